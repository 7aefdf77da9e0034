package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.internal.jdbc.TransactionalExecutionTemplate;
import org.junit.jupiter.api.Test;

class OneLineFlywayLogsTest {

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  /** The Flyway class that logs a failed rollback after a lost connection. */
  private final Log log =
      new OneLineFlywayLogs(
              new PrintStream(printed, true, StandardCharsets.UTF_8),
              Clock.fixed(Instant.parse("2026-12-07T01:02:03.456Z"), ZoneOffset.UTC))
          .createLogger(TransactionalExecutionTemplate.class);

  /** Time, level, thread and logger, as the operator's text log lines. */
  private static String prefix(String level) {
    return "2026-12-07T01:02:03.456Z %s [%s] %s - "
        .formatted(
            level,
            Thread.currentThread().getName(),
            TransactionalExecutionTemplate.class.getName());
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anExceptionIsItsChainOfMessagesOnTheLineNotAStackTrace() {
    log.error(
        "Unable to rollback transaction",
        new SQLException(
            "An I/O error occurred while sending to the backend.", "08006", new EOFException()));

    assertThat(printed())
        .isEqualTo(
            prefix("ERROR")
                + "Unable to rollback transaction: java.sql.SQLException: An I/O error occurred"
                + " while sending to the backend.; caused by java.io.EOFException"
                + System.lineSeparator());
  }

  @Test
  void warningsStayAsFlywayWritesThem() {
    log.warn("DB: there is no transaction in progress");

    assertThat(printed())
        .isEqualTo(
            prefix("WARN ") + "DB: there is no transaction in progress" + System.lineSeparator());
  }

  @Test
  void infoAndDebugAreNotPrinted() {
    log.info("Successfully validated 8 migrations");
    log.notice("Flyway upgrade recommended");
    log.debug("Parsing V1__create_tenants.sql");

    assertThat(printed()).isEmpty();
  }
}
