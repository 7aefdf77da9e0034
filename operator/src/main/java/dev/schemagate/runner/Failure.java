package dev.schemagate.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.schemagate.runlog.ConnectionStates;
import java.io.EOFException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Set;
import java.util.regex.Pattern;
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

  /** The severity the driver puts before the server's message. */
  private static final Pattern SEVERITY = Pattern.compile("^(ERROR|FATAL|PANIC):\\s+");

  private static final Set<CoreErrorCode> DUPLICATE_MIGRATIONS =
      Set.of(
          CoreErrorCode.DUPLICATE_VERSIONED_MIGRATION,
          CoreErrorCode.DUPLICATE_REPEATABLE_MIGRATION);

  /** lock_not_available: lock_timeout expired, or NOWAIT found the lock taken. */
  static final String LOCK_NOT_AVAILABLE = "55P03";

  /**
   * @param database where the database is ({@link DatabaseUrl#location()}), for the line of a
   *     connection failure; null when the URL did not parse
   */
  static Failure of(Throwable e, String database) {
    if (e instanceof LocksUnavailable gaveUp) {
      Failure timedOut = of(gaveUp.getCause(), database);
      return new Failure(
          timedOut.exitCode(), line(null, null, timedOut.line() + "; " + gaveUp.getMessage()));
    }
    SQLException sql = sqlCause(e);
    if (e instanceof InvalidInputException) {
      return new Failure(INVALID_INPUT, line(null, null, e.getMessage()));
    }
    String at = database == null ? "the database" : "the database at " + database;
    if (sql != null && ConnectionStates.lost(sql.getSQLState())) {
      // Not the script's fault: a retry once the server is back may well succeed.
      return new Failure(
          CANNOT_CONNECT,
          line(script(e), null, "lost the connection to " + at + ": " + reason(sql) + rollback(e)));
    }
    if (e instanceof FlywayMigrateException m && sql != null) {
      return new Failure(MIGRATION_FAILED, line(script(m), sql.getSQLState(), sql.getMessage()));
    }
    if (sql != null && ConnectionStates.cannotConnect(sql.getSQLState())) {
      return new Failure(
          CANNOT_CONNECT, line(null, null, "cannot connect to " + at + ": " + reason(sql)));
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

  /**
   * Why a connection failed or ended, in plain words, and its SQLSTATE: the network error under the
   * driver's message ("the connection attempt failed" alone helps no one), else the server's
   * message without its severity and details.
   */
  private static String reason(SQLException sql) {
    Throwable cause = sql.getCause();
    String reason;
    if (cause instanceof EOFException) {
      reason = "the server closed the connection";
    } else if (cause instanceof UnknownHostException) {
      reason = "unknown host " + cause.getMessage();
    } else if (cause instanceof IOException && cause.getMessage() != null) {
      reason = plain(cause.getMessage()); // "Connection refused", "Connect timed out"
    } else {
      String first = String.valueOf(sql.getMessage()).strip().lines().findFirst().orElse("");
      reason = plain(SEVERITY.matcher(first).replaceFirst(""));
    }
    return reason + " (SQLSTATE " + sql.getSQLState() + ")";
  }

  /** "Connection refused." as a clause: "connection refused"; "SSL error" stays. */
  private static String plain(String message) {
    String m = message.strip().replaceFirst("\\.$", "");
    return m.length() > 1
            && Character.isUpperCase(m.charAt(0))
            && Character.isLowerCase(m.charAt(1))
        ? Character.toLowerCase(m.charAt(0)) + m.substring(1)
        : m;
  }

  /**
   * What became of the script the connection was lost in: PostgreSQL rolls back the open
   * transaction of a session that ends, and Flyway runs each migration in one unless its statements
   * forbid it (CREATE INDEX CONCURRENTLY).
   */
  private static String rollback(Throwable e) {
    if (!(e instanceof FlywayMigrateException m) || script(m) == null) {
      return "";
    }
    return m.isExecutableInTransaction()
        ? "; PostgreSQL rolled back its transaction: none of it is applied"
        : "; it ran outside a transaction: the statements it completed stay applied";
  }

  /**
   * An exception and its causes on one line, for a log: {@code Class: message; caused by Class:
   * message}.
   */
  static String chain(Throwable e) {
    var chain = new StringBuilder().append(e);
    // A bound: a chain may loop.
    Throwable t = e.getCause();
    for (int depth = 1; t != null && depth < 10; t = t.getCause(), depth++) {
      chain.append("; caused by ").append(t);
    }
    return chain.toString().strip().replaceAll("\\s*\\R\\s*", " ");
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
