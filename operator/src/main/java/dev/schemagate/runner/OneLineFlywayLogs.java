package dev.schemagate.runner;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.flywaydb.core.internal.logging.slf4j.Slf4jLogCreator;

/**
 * Flyway's logging through SLF4J as Flyway does it, but an exception it logs goes on the line as
 * its chain of messages, not as a stack trace: after a lost connection Flyway logs each failed
 * rollback and autocommit reset with its trace, some 110 lines in the pod's log above the runner's
 * one line. Named in {@code FluentConfiguration.loggers}, which instantiates it.
 */
public final class OneLineFlywayLogs implements LogCreator {
  private final LogCreator slf4j = new Slf4jLogCreator();

  @Override
  public Log createLogger(Class<?> clazz) {
    return new OneLine(slf4j.createLogger(clazz));
  }

  private record OneLine(Log log) implements Log {
    @Override
    public void debug(String message) {
      log.debug(message);
    }

    @Override
    public void info(String message) {
      log.info(message);
    }

    @Override
    public void warn(String message) {
      log.warn(message);
    }

    @Override
    public void error(String message) {
      log.error(message);
    }

    @Override
    public void error(String message, Exception e) {
      log.error(message + ": " + Failure.chain(e));
    }

    @Override
    public void notice(String message) {
      log.notice(message);
    }
  }
}
