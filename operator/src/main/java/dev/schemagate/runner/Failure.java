package dev.schemagate.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.sql.SQLException;
import java.util.Set;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Why a run failed, as the exit code and the one line that is printed and left in the termination
 * log, where the operator reads it into the SchemaMigration's status.
 */
record Failure(int exitCode, String line) {
  static final int MIGRATION_FAILED = 1;
  static final int INVALID_INPUT = 2;
  static final int CANNOT_CONNECT = 3;

  /** Neither Flyway's nor the input's: a bug or the JVM's (out of memory); the line names it. */
  static final int UNEXPECTED = 4;

  /** Kubernetes keeps at most 4096 bytes of a termination message; one goes to the newline. */
  static final int MAX_BYTES = 4095;

  /**
   * SQLSTATE prefixes of a failed connection: 08 connection exception, 28 invalid authorization, 3D
   * unknown database, 57P03 server starting up.
   */
  private static final Set<String> CONNECTION_STATES = Set.of("08", "28", "3D", "57P03");

  private static final Set<CoreErrorCode> DUPLICATE_MIGRATIONS =
      Set.of(
          CoreErrorCode.DUPLICATE_VERSIONED_MIGRATION,
          CoreErrorCode.DUPLICATE_REPEATABLE_MIGRATION);

  /** lock_not_available: lock_timeout expired, or NOWAIT found the lock taken. */
  static final String LOCK_NOT_AVAILABLE = "55P03";

  static Failure of(Throwable e) {
    if (e instanceof LocksUnavailable gaveUp) {
      Failure timedOut = of(gaveUp.getCause());
      return new Failure(
          timedOut.exitCode(), line(null, null, timedOut.line() + "; " + gaveUp.getMessage()));
    }
    SQLException sql = sqlCause(e);
    if (e instanceof InvalidInputException) {
      return new Failure(INVALID_INPUT, line(null, null, e.getMessage()));
    }
    if (e instanceof FlywayMigrateException m && sql != null) {
      return new Failure(MIGRATION_FAILED, line(script(m), sql.getSQLState(), sql.getMessage()));
    }
    if (sql != null && isConnectionFailure(sql.getSQLState())) {
      return new Failure(CANNOT_CONNECT, line(null, sql.getSQLState(), describe(sql)));
    }
    if (e instanceof FlywayException f) {
      return new Failure(
          DUPLICATE_MIGRATIONS.contains(f.getErrorCode()) ? INVALID_INPUT : MIGRATION_FAILED,
          line(null, null, e.getMessage()));
    }
    // The class too: "NullPointerException" alone, or its message alone, would say too little.
    return new Failure(UNEXPECTED, line(null, null, "unexpected " + e));
  }

  /** {@code script: SQLSTATE state: message} with the parts that are known, on one line. */
  static String line(String script, String sqlState, String message) {
    var line = new StringBuilder();
    if (script != null) {
      line.append(script).append(": ");
    }
    if (sqlState != null) {
      line.append("SQLSTATE ").append(sqlState).append(": ");
    }
    line.append(String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " "));
    return limit(line.toString());
  }

  private static String limit(String line) {
    byte[] bytes = line.getBytes(UTF_8);
    if (bytes.length <= MAX_BYTES) {
      return line;
    }
    // A character cut in half decodes to U+FFFD: drop it rather than show garbage.
    return new String(bytes, 0, MAX_BYTES - 3, UTF_8).replaceFirst("\uFFFD+$", "") + "...";
  }

  /** Whether a run failed only because a lock was not granted in time: worth a retry. */
  static boolean isLockTimeout(Throwable e) {
    SQLException sql = sqlCause(e);
    return sql != null && LOCK_NOT_AVAILABLE.equals(sql.getSQLState());
  }

  /** The script that was running, if Flyway says. */
  static String script(Throwable e) {
    return e instanceof FlywayMigrateException m && m.getMigration() != null
        ? m.getMigration().getScript()
        : null;
  }

  private static boolean isConnectionFailure(String sqlState) {
    return sqlState != null && CONNECTION_STATES.stream().anyMatch(sqlState::startsWith);
  }

  /**
   * The driver's message, plus the network error under it ("connection attempt failed" alone helps
   * no one).
   */
  private static String describe(SQLException sql) {
    Throwable cause = sql.getCause();
    return cause == null || cause instanceof SQLException
        ? sql.getMessage()
        : sql.getMessage() + " (" + cause + ")";
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
