package dev.schemagate.job;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The SQLSTATE of a failure, as the tools print it or as their condition names say it. Pure. */
final class SqlStates {
  private static final List<Pattern> SQLSTATES =
      List.of(
          Pattern.compile("SQLSTATE[\\s:=\\[]*([0-9A-Z]{5})\\b"),
          Pattern.compile("SQL State\\s*:\\s*([0-9A-Z]{5})\\b"), // Flyway CLI
          Pattern.compile("Database error code: ([0-9A-Z]{5})\\b"), // Prisma
          Pattern.compile("SqlState\\(E?([0-9A-Z]{5})\\)"), // Rust's postgres crates
          Pattern.compile("\\b(?:ERROR|FATAL):\\s+([0-9A-Z]{5}):\\s")); // psql VERBOSITY verbose

  /**
   * Condition names of psycopg and the pg gem (psycopg2.errors.DuplicateObject, PG::UndefinedTable)
   * whose tracebacks give no code: the common ones of migrations.
   */
  private static final Map<String, String> CONDITIONS =
      Map.ofEntries(
          Map.entry("DuplicateObject", "42710"),
          Map.entry("DuplicateTable", "42P07"),
          Map.entry("DuplicateColumn", "42701"),
          Map.entry("DuplicateSchema", "42P06"),
          Map.entry("DuplicateFunction", "42723"),
          Map.entry("UndefinedTable", "42P01"),
          Map.entry("UndefinedColumn", "42703"),
          Map.entry("UndefinedObject", "42704"),
          Map.entry("UndefinedFunction", "42883"),
          Map.entry("SyntaxError", "42601"),
          Map.entry("DatatypeMismatch", "42804"),
          Map.entry("InsufficientPrivilege", "42501"),
          Map.entry("UniqueViolation", "23505"),
          Map.entry("NotNullViolation", "23502"),
          Map.entry("ForeignKeyViolation", "23503"),
          Map.entry("CheckViolation", "23514"),
          Map.entry("InvalidTextRepresentation", "22P02"),
          Map.entry("DependentObjectsStillExist", "2BP01"),
          Map.entry("LockNotAvailable", "55P03"),
          Map.entry("ObjectInUse", "55006"),
          Map.entry("QueryCanceled", "57014"),
          Map.entry("DeadlockDetected", "40P01"),
          Map.entry("InFailedSqlTransaction", "25P02"),
          Map.entry("InvalidPassword", "28P01"),
          Map.entry("InvalidCatalogName", "3D000"),
          Map.entry("FeatureNotSupported", "0A000"));

  private static final Pattern CONDITION =
      Pattern.compile("(?:\\bpsycopg2?\\.errors\\.|\\bPG::)(\\w+)");

  private SqlStates() {}

  /**
   * The SQLSTATE the output gives, the last of the first pattern that finds one; else the code of
   * the condition its last line naming one names.
   */
  static Optional<String> find(String text, List<String> lines) {
    for (var pattern : SQLSTATES) {
      var m = pattern.matcher(text);
      String found = null;
      while (m.find()) {
        found = m.group(1);
      }
      if (found != null && Character.isDigit(found.charAt(0))) {
        return Optional.of(found);
      }
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      var m = CONDITION.matcher(lines.get(i));
      String found = null;
      while (m.find()) {
        found = CONDITIONS.get(m.group(1));
      }
      if (found != null) {
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }
}
