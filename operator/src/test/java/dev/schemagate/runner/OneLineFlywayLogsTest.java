package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.EOFException;
import java.sql.SQLException;
import org.flywaydb.core.internal.jdbc.TransactionalExecutionTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OneLineFlywayLogsTest {
  /** The Flyway class that logs a failed rollback after a lost connection. */
  private final Logger logger =
      (Logger) LoggerFactory.getLogger(TransactionalExecutionTemplate.class);

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void anExceptionIsItsChainOfMessagesOnTheLineNotAStackTrace() {
    var log = new OneLineFlywayLogs().createLogger(TransactionalExecutionTemplate.class);

    log.error(
        "Unable to rollback transaction",
        new SQLException(
            "An I/O error occurred while sending to the backend.", "08006", new EOFException()));

    assertThat(logged.list).hasSize(1);
    var event = logged.list.get(0);
    assertThat(event.getFormattedMessage())
        .isEqualTo(
            "Unable to rollback transaction: java.sql.SQLException: An I/O error occurred while"
                + " sending to the backend.; caused by java.io.EOFException");
    assertThat(event.getThrowableProxy()).isNull();
  }

  @Test
  void warningsStayAsFlywayWritesThem() {
    new OneLineFlywayLogs()
        .createLogger(TransactionalExecutionTemplate.class)
        .warn("DB: there is no transaction in progress");

    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("DB: there is no transaction in progress");
  }
}
