package dev.schemagate;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class OperatorLoggingTest {
  private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
  private final LoggerContext context = new LoggerContext();

  private ExecutionStatus configure(Map<String, String> settings) {
    var logging =
        new OperatorLogging(settings::get, new PrintStream(errors, true, StandardCharsets.UTF_8));
    return logging.configure(context);
  }

  /** What the console appender writes for one INFO event of EventRecorder, with JOSDK's MDC. */
  private String line(Map<String, String> mdc) {
    var logger = context.getLogger("dev.schemagate.reconcile.EventRecorder");
    var event =
        new LoggingEvent(
            "fqcn", logger, Level.INFO, "DeploymentNotFound: {}", null, new Object[] {"app"});
    event.setThreadName("ReconcilerExecutor-1");
    event.setTimeStamp(1_796_601_600_123L);
    event.setMDCPropertyMap(mdc);
    @SuppressWarnings("unchecked")
    var console =
        (OutputStreamAppender<ILoggingEvent>)
            context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
    return new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void textByDefaultWithTheResourceAfterTheLoggerOnlyInsideAReconcile() {
    assertThat(configure(Map.of())).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    assertThat(line(Map.of("resource.namespace", "shop", "resource.name", "api")))
        .isEqualTo(
            "2026-12-07T00:00:00.123Z INFO  [ReconcilerExecutor-1]"
                + " d.schemagate.reconcile.EventRecorder shop/api - DeploymentNotFound: app\n");
    assertThat(line(Map.of()))
        .isEqualTo(
            "2026-12-07T00:00:00.123Z INFO  [ReconcilerExecutor-1]"
                + " d.schemagate.reconcile.EventRecorder - DeploymentNotFound: app\n");
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(
            context
                .getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
                .getLevel())
        .isEqualTo(Level.ERROR);
    assertThat(errors.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void jsonIsOneObjectALineWithTheFormattedMessageAndTheMdc() throws Exception {
    configure(Map.of("SCHEMAGATE_LOG_FORMAT", "json", "SCHEMAGATE_LOG_LEVEL", "warn"));

    var line = line(Map.of("resource.namespace", "shop", "resource.name", "api"));

    assertThat(line).endsWith("\n").doesNotContain("\n{");
    var json = new ObjectMapper().readTree(line);
    assertThat(json.path("formattedMessage").asText()).isEqualTo("DeploymentNotFound: app");
    assertThat(json.path("loggerName").asText())
        .isEqualTo("dev.schemagate.reconcile.EventRecorder");
    assertThat(json.path("mdc").path("resource.name").asText()).isEqualTo("api");
    assertThat(json.path("timestamp").asLong()).isEqualTo(1_796_601_600_123L);
    assertThat(json.has("message")).as("the unformatted message is left out").isFalse();
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void anUnknownValueIsSaidAndTheDefaultUsed() {
    configure(Map.of("SCHEMAGATE_LOG_FORMAT", "xml", "SCHEMAGATE_LOG_LEVEL", "loud"));

    assertThat(line(Map.of())).startsWith("2026-12-07T00:00:00.123Z INFO ");
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(errors.toString(StandardCharsets.UTF_8))
        .contains("SCHEMAGATE_LOG_FORMAT=xml is not one of text, json; using text")
        .contains("SCHEMAGATE_LOG_LEVEL=loud is not one of INFO, TRACE, DEBUG, WARN, ERROR, OFF");
  }

  @Test
  void aConfigurationFileOfTheUsersOwnWins() {
    assertThat(configure(Map.of("logback.configurationFile", "mine.xml")))
        .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console")).isNull();
  }
}
