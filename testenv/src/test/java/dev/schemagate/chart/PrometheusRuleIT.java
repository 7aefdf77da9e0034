package dev.schemagate.chart;

import static dev.schemagate.chart.Cli.CHART;
import static dev.schemagate.chart.Cli.KUBE_VERSION;
import static dev.schemagate.chart.Cli.helm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Command;
import dev.schemagate.testenv.Manifests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules, rendered by helm and judged by Prometheus' own promtool (built from the
 * Go module proxy): they are valid rules, and alerts-test.yaml says when each fires and when not.
 */
class PrometheusRuleIT {
  static final String RELEASE = "schemagate";
  static final String NAMESPACE = "schemagate-system";
  static final String UNIT_TESTS = "alerts-test.yaml";

  @TempDir Path dir;

  @Test
  void theRulesAreValidAndFireAsTheUnitTestsSay() throws IOException {
    var rules = renderRules(dir);

    var check = promtool("check", "rules", rules.toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout()).as(check.toString()).contains("SUCCESS: 4 rules found");

    var test = promtool("test", "rules", unitTests(dir).toString());
    assertThat(test.exitCode()).as(test.toString()).isZero();
    assertThat(test.stdout()).contains("SUCCESS");
  }

  @Test
  void theUnitTestsCatchAThresholdOtherThanTheOneTheySpeakOf() throws IOException {
    renderRules(dir, "--set", "metrics.prometheusRule.heldLongerThanMinutes=30");

    var test = promtool("test", "rules", unitTests(dir).toString());
    assertThat(test.exitCode()).as(test.toString()).isNotZero();
    assertThat(test.stdout() + test.stderr()).contains("SchemaGatePodsHeldTooLong");
  }

  @Test
  void offByDefault() {
    var rendered =
        helm("template", RELEASE, CHART.toString(), "--namespace=" + NAMESPACE, KUBE_VERSION).ok();
    assertThat(Manifests.yamlDocuments(rendered))
        .extracting(d -> d.path("kind").asText())
        .doesNotContain("PrometheusRule", "ServiceMonitor", "Service");
  }

  @Test
  void theServiceMonitorScrapesTheMetricsServiceWhoseNameIsTheAlertsJob() {
    var docs =
        Manifests.yamlDocuments(
            helm(
                    "template",
                    RELEASE,
                    CHART.toString(),
                    "--namespace=" + NAMESPACE,
                    KUBE_VERSION,
                    "--set",
                    "metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true")
                .ok());
    var service = only(docs, "Service");
    var monitor = only(docs, "ServiceMonitor");
    assertThat(service.at("/metadata/name").asText()).isEqualTo("schemagate-metrics");
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    // The ServiceMonitor selects the Service by its labels, the Service the operator pods.
    var selector = monitor.at("/spec/selector/matchLabels");
    assertThat(selector.size()).isPositive();
    assertThat(service.at("/spec/selector").size()).isPositive();
    selector
        .properties()
        .forEach(
            e ->
                assertThat(service.at("/metadata/labels").path(e.getKey()).asText())
                    .isEqualTo(e.getValue().asText()));
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    var deployment = only(docs, "Deployment");
    service
        .at("/spec/selector")
        .properties()
        .forEach(
            e ->
                assertThat(
                        deployment.at("/spec/template/metadata/labels").path(e.getKey()).asText())
                    .isEqualTo(e.getValue().asText()));
    assertThat(only(docs, "PrometheusRule").toString())
        .contains("up{job=\\\"schemagate-metrics\\\", namespace=\\\"schemagate-system\\\"}");
  }

  /** The PrometheusRule's spec (its groups) as a rules file for promtool, in {@code dir}. */
  static Path renderRules(Path dir, String... flags) throws IOException {
    var args =
        new ArrayList<>(
            List.of(
                "template",
                RELEASE,
                CHART.toString(),
                "--namespace=" + NAMESPACE,
                KUBE_VERSION,
                "--set",
                "metrics.prometheusRule.enabled=true"));
    args.addAll(List.of(flags));
    var rule =
        only(Manifests.yamlDocuments(helm(args.toArray(String[]::new)).ok()), "PrometheusRule");
    var file = dir.resolve("rules.yaml");
    new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), rule.get("spec"));
    return file;
  }

  /** alerts-test.yaml beside the rendered rules.yaml it names. */
  static Path unitTests(Path dir) throws IOException {
    var file = dir.resolve(UNIT_TESTS);
    try (InputStream in = PrometheusRuleIT.class.getResourceAsStream(UNIT_TESTS)) {
      assertThat(in).as(UNIT_TESTS + " on the test class path").isNotNull();
      Files.copy(in, file);
    }
    return file;
  }

  static JsonNode only(List<JsonNode> docs, String kind) {
    var ofKind = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertThat(ofKind).as(kind).hasSize(1);
    return ofKind.get(0);
  }

  static Command.Result promtool(String... args) {
    var command = new ArrayList<String>();
    command.add(Binaries.promtool().toString());
    command.addAll(List.of(args));
    return Cli.run(command);
  }
}
