package dev.schemagate.runner;

import java.io.PrintStream;
import java.time.Clock;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's warnings and errors on stdout, one line each: time, level, thread, logger and message,
 * in the order of the operator's text log lines; its info and debug lines are dropped (the runner's
 * summary line says what they would). An exception goes on the line as its chain of messages, not
 * as a stack trace: after a lost connection Flyway logs each failed rollback and autocommit reset
 * with its trace, some 110 lines in the pod's log above the runner's one line.
 *
 * <p>Written directly, not through SLF4J: starting logback from its XML loaded some 500 classes, a
 * fifth of the runner's wall time. Named in {@code FluentConfiguration.loggers}, which instantiates
 * it.
 */
public final class OneLineFlywayLogs implements LogCreator {
  private final PrintStream out;
  private final Clock clock;

  public OneLineFlywayLogs() {
    this(System.out, Clock.systemUTC());
  }

  OneLineFlywayLogs(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public Log createLogger(Class<?> clazz) {
    return new OneLine(clazz.getName());
  }

  private final class OneLine implements Log {
    private final String logger;

    OneLine(String logger) {
      this.logger = logger;
    }

    @Override
    public void debug(String message) {}

    @Override
    public void info(String message) {}

    @Override
    public void notice(String message) {}

    @Override
    public void warn(String message) {
      print("WARN ", message);
    }

    @Override
    public void error(String message) {
      print("ERROR", message);
    }

    @Override
    public void error(String message, Exception e) {
      print("ERROR", message + ": " + Failure.chain(e));
    }

    private void print(String level, String message) {
      out.println(
          clock.instant()
              + " "
              + level
              + " ["
              + Thread.currentThread().getName()
              + "] "
              + logger
              + " - "
              + message);
      out.flush();
    }
  }
}
