package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.OperatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator jar's log lines, text by default and JSON with SCHEMAGATE_LOG_FORMAT=json (the
 * chart's logFormat), carry the SchemaMigration being reconciled (JOSDK's MDC). A SchemaMigration
 * whose Deployment does not exist makes the operator log its DeploymentNotFound Event.
 */
class OperatorLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonFormatWritesOneJsonObjectPerLineWithTheResourceInItsMdc() throws Exception {
    var ns = Cluster.newNamespace("log-json");
    var lines = operatorLogOf(ns, Map.of("SCHEMAGATE_LOG_FORMAT", "json"));

    // Every line, the JVM's and every library's, is a JSON object: a log pipeline parses them all.
    var records = lines.stream().map(OperatorLogIT::parse).toList();
    assertThat(records)
        .allSatisfy(r -> assertThat(r.path("level").asText()).isIn("INFO", "WARN", "ERROR"));
    assertThat(records)
        .anySatisfy(
            r -> assertThat(r.path("formattedMessage").asText()).startsWith("holding pods"));
    var event =
        records.stream()
            .filter(r -> r.path("formattedMessage").asText().startsWith("DeploymentNotFound: "))
            .findFirst()
            .orElseThrow();
    assertThat(event.path("loggerName").asText())
        .isEqualTo("dev.schemagate.reconcile.EventRecorder");
    assertThat(event.path("mdc").path("resource.namespace").asText()).isEqualTo(ns);
    assertThat(event.path("mdc").path("resource.name").asText()).isEqualTo("basketball-api");
    assertThat(event.path("mdc").path("resource.kind").asText()).isEqualTo("SchemaMigration");
    assertThat(event.path("timestamp").asLong()).isPositive();
  }

  @Test
  void textFormatIsTheDefaultAndNamesTheResourceInEachLineOfItsReconcile() throws Exception {
    var ns = Cluster.newNamespace("log-text");
    var lines = operatorLogOf(ns, Map.of());

    assertThat(lines).noneMatch(l -> l.startsWith("{"));
    // 2026-12-01T22:10:00.123Z INFO  [thread] d.schemagate.reconcile.EventRecorder ns/name - ...
    assertThat(lines)
        .anyMatch(
            l ->
                l.matches(
                    "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[.+\\]"
                        + " \\S+\\.reconcile\\.EventRecorder "
                        + ns
                        + "/basketball-api - DeploymentNotFound: .*"));
    // Outside a reconcile there is no resource, and no empty "/" in its place.
    assertThat(lines)
        .anyMatch(
            l -> l.matches(".* INFO  \\[.+\\] dev\\.schemagate\\.SchemaGateOperator - holding .*"));
  }

  /** Runs the operator jar on one namespace until it has logged that namespace's Event. */
  private static List<String> operatorLogOf(String ns, Map<String, String> env)
      throws IOException, InterruptedException {
    var log = Path.of("target/operator-log-it").toAbsolutePath().resolve(ns + ".log");
    Files.deleteIfExists(log);
    try (var operator =
        OperatorProcess.start(
            Cluster.plane().kubeconfig(),
            List.of(),
            List.of("--namespaces=" + ns, "--runner-image=schemagate:test"),
            env,
            log)) {
      operator.awaitReady(Duration.ofSeconds(60));
      Cluster.client()
          .resource(BasketballExample.migration(ns, "basketball-api", "basketball-migrations"))
          .create();
      await()
          .atMost(Scenario.TIMEOUT)
          .until(() -> Files.readString(log).contains("DeploymentNotFound"));
    }
    return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
  }

  private static JsonNode parse(String line) {
    try {
      var node = JSON.readTree(line);
      assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
      return node;
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
