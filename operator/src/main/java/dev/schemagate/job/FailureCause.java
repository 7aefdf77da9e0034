package dev.schemagate.job;

import dev.schemagate.runlog.ConnectionStates;
import dev.schemagate.runlog.Secrets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a migration failed, read from what its container left: the termination message, which for a
 * command Job is the tail of its log (FallbackToLogsOnError). Tools print the cause last, first, or
 * in the middle of a stack trace; this finds it whatever the tool, so that the Stalled message
 * starts with it. Pure.
 *
 * @param line what failed, on one line: the exception of a traceback (with SQLAlchemy's {@code
 *     [SQL: ...]}), the server's ERROR or FATAL, the tool's own error line
 * @param migration the failing migration, when the output names it
 * @param sqlState the SQLSTATE, when the output gives it or names its condition
 */
public record FailureCause(String line, Optional<String> migration, Optional<String> sqlState) {
  /** What the Stalled message carries of the cause; the rest is in the log and the Event. */
  public static final int MAX_SUMMARY = 300;

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");

  /** A Python traceback's frame: {@code File "/app/x.py", line 3, in upgrade}. */
  private static final Pattern PYTHON_FRAME = Pattern.compile("^\\s*File \".*\", line \\d+");

  /**
   * A Python exception: {@code sqlalchemy.exc.ProgrammingError: ...} or a bare {@code KeyError}.
   */
  private static final Pattern PYTHON_EXCEPTION =
      Pattern.compile(
          "^[A-Za-z_][\\w.]*(Error|Exception|Exit|Interrupt|Warning|[a-z]\\.[A-Z]\\w*)(:.*)?$");

  private static final Pattern SEVERITY = Pattern.compile("\\b(ERROR|FATAL|PANIC):\\s");
  private static final Pattern TOOL_ERROR =
      Pattern.compile("^(\\S+: )?(error|Error|ERROR)\\b:?\\s");
  private static final Pattern FAILED =
      Pattern.compile("(?i)\\b(error|fatal|failed|exception|panic)");
  private static final Pattern TIMESTAMP =
      Pattern.compile("^\\d{4}[/-]\\d\\d[/-]\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z? ");

  /**
   * Lines that name the cause, by tool, most specific first: the first rule that matches a line
   * wins, and of its lines the last one (tools stop at the first failure, chains end at the root).
   */
  private static final List<Pattern> CAUSE_LINES =
      List.of(
          // schemagate migrate, in a log tail among Flyway's own ERROR lines.
          Pattern.compile(
              "^((?:[VRU][\\w.]*__\\S+\\.sql: )?(?:cannot connect|lost the connection) to the"
                  + " database\\b.*)"),
          // Flyway CLI: "Message    : ERROR: relation ..."
          Pattern.compile("^Message\\s+:\\s+(.+)"),
          // Liquibase: "     Reason: liquibase.exception.DatabaseException: ERROR: ..."
          Pattern.compile("^\\s*Reason: (.+)"),
          // Java: the root of the chain.
          Pattern.compile("^Caused by: (.+)"),
          Pattern.compile("^Exception in thread \"[^\"]*\" (.+)"),
          // Knex: "migration failed with error: CREATE TYPE ... - type ... already exists"
          Pattern.compile("^migration failed with error: (.+)"),
          // Diesel: "Failed to run 2024-01-01-000000_x with: ..."
          Pattern.compile("^(Failed to run \\S+ with: .+)"),
          // Alembic's own errors: "FAILED: Can't locate revision identified by 'a3'"
          Pattern.compile("^\\s*FAILED: (.+)"),
          // Go.
          Pattern.compile("^(panic: .+)"));

  /** The failing migration as tools print it; the last match names the one that failed. */
  private static final List<Pattern> MIGRATION_LINES =
      List.of(
          Pattern.compile("Running upgrade (\\S+ -> [^,\\s]+)"), // Alembic
          Pattern.compile("\\bApplying (\\w+\\.\\w+)\\.\\.\\."), // Django
          Pattern.compile("^== (\\d+[ -_]\\S+): migrating"), // Rails, Sequelize
          Pattern.compile("Migration failed for changeset (\\S+?):?(\\s|$)"), // Liquibase
          Pattern.compile("^Migration name: (\\S+)"), // Prisma
          Pattern.compile("^Applying migration `([^`]+)`"), // Prisma
          Pattern.compile("^ERROR: Migration (\\S+) failed"), // Flyway CLI
          Pattern.compile("^migration file \"([^\"]+)\" failed"), // Knex
          Pattern.compile("^Failed to run (\\S+) with:"), // Diesel
          Pattern.compile("^Running migration (\\S+)"), // Diesel
          Pattern.compile("^Applying: (\\S+)"), // dbmate
          Pattern.compile("\\bERROR (\\S+\\.(sql|go)): "), // goose
          Pattern.compile("while executing migrations?:? (\\d+)"), // sqlx
          Pattern.compile("^Read and execute (\\d+/[ud] \\S+)"), // golang-migrate -verbose
          Pattern.compile("^([VRU][\\w.]*__\\S+\\.sql): "), // schemagate migrate (Flyway)
          // An Alembic migration's own frame in a traceback: its upgrade(), not a library's.
          Pattern.compile(
              "File \"(?![^\"]*/site-packages/)[^\"]*/([^/\"]+)\\.py\", line \\d+, in"
                  + " (?:upgrade|downgrade)$"));

  public static FailureCause of(String output) {
    var text = printable(output == null ? "" : output);
    if (text.isBlank()) {
      return new FailureCause("no output", Optional.empty(), Optional.empty());
    }
    if (!isText(text)) {
      return new FailureCause(
          "the output is not text (%d characters)".formatted(text.length()),
          Optional.empty(),
          Optional.empty());
    }
    var lines =
        text.lines()
            .map(l -> TIMESTAMP.matcher(l.stripTrailing()).replaceFirst(""))
            .filter(l -> !l.isBlank())
            .toList();
    return new FailureCause(
        oneLine(causeLine(lines)), lastMatch(lines, MIGRATION_LINES), SqlStates.find(text, lines));
  }

  /**
   * The output with ANSI colours taken out and passwords masked (a tool may echo its connection
   * URL), fit for a status or an Event.
   */
  public static String printable(String output) {
    var text = ANSI.matcher(output).replaceAll("").replace("\r\n", "\n").replace('\r', '\n');
    return Secrets.mask(text);
  }

  /**
   * Whether the database, not the migration, failed ({@link ConnectionStates}). Fixing the
   * migration would not help; the database must be reached, then the run retried.
   */
  public boolean isConnection() {
    return sqlState.filter(ConnectionStates::databaseFailed).isPresent();
  }

  /** The migration, the SQLSTATE unless the line says it, and the line, in about 300 characters. */
  public String summary() {
    var summary = new StringBuilder();
    migration
        .filter(m -> !line.contains(m))
        .ifPresent(m -> summary.append("migration ").append(m).append(": "));
    sqlState
        .filter(s -> !line.contains(s))
        .ifPresent(s -> summary.append("SQLSTATE ").append(s).append(": "));
    summary.append(line);
    return summary.length() <= MAX_SUMMARY
        ? summary.toString()
        : summary.substring(0, MAX_SUMMARY - 3).stripTrailing() + "...";
  }

  private static String causeLine(List<String> lines) {
    for (var rule : CAUSE_LINES) {
      var found = lastMatch(lines, List.of(rule));
      if (found.isPresent()) {
        return found.get();
      }
    }
    var python = pythonException(lines);
    if (python.isPresent()) {
      return python.get();
    }
    return last(lines, l -> SEVERITY.matcher(l).find() ? l : null)
        .or(() -> last(lines, l -> TOOL_ERROR.matcher(l).find() ? l : null))
        .or(() -> last(lines, l -> FAILED.matcher(l).find() && !isFrame(l) ? l : null))
        .orElse(lines.get(lines.size() - 1));
  }

  /**
   * The exception a Python traceback ends with: the first unindented line after its last frame,
   * with SQLAlchemy's {@code [SQL: ...]} when it follows.
   */
  private static Optional<String> pythonException(List<String> lines) {
    int lastFrame = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (PYTHON_FRAME.matcher(lines.get(i)).find()) {
        lastFrame = i;
      }
    }
    if (lastFrame < 0) {
      return Optional.empty();
    }
    for (int i = lastFrame + 1; i < lines.size(); i++) {
      var l = lines.get(i);
      if (!Character.isWhitespace(l.charAt(0)) && PYTHON_EXCEPTION.matcher(l).matches()) {
        var exception = l;
        for (int j = i + 1; j < lines.size(); j++) {
          if (lines.get(j).startsWith("[SQL: ")) {
            exception += " " + lines.get(j);
            break;
          }
        }
        return Optional.of(exception);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> lastMatch(List<String> lines, List<Pattern> patterns) {
    for (var pattern : patterns) {
      var found =
          last(
              lines,
              l -> {
                Matcher m = pattern.matcher(l);
                return m.find() ? m.group(1).strip() : null;
              });
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> last(List<String> lines, Function<String, String> pick) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      var picked = pick.apply(lines.get(i));
      if (picked != null && !picked.isEmpty()) {
        return Optional.of(picked);
      }
    }
    return Optional.empty();
  }

  private static boolean isFrame(String line) {
    return PYTHON_FRAME.matcher(line).find() || line.stripLeading().startsWith("at ");
  }

  /** Text, not a binary dump: few control characters and few undecodable bytes. */
  private static boolean isText(String text) {
    long odd =
        text.chars()
            .filter(c -> c == '\uFFFD' || (Character.isISOControl(c) && c != '\n' && c != '\t'))
            .count();
    return odd * 10 < text.length();
  }

  private static String oneLine(String line) {
    return line.strip().replaceAll("\\s+", " ");
  }
}
