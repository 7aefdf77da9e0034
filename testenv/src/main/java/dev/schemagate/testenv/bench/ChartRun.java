package dev.schemagate.testenv.bench;

import dev.schemagate.testenv.Binaries;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the chart runs the operator: the container of `helm template charts/schemagate` with its
 * defaults. Its args (less `operator` and --health-port, which OperatorProcess sets), its plain env
 * values, and its JAVA_TOOL_OPTIONS in a JVM that sees the container's memory limit as its RAM
 * (-XX:MaxRAM). In a container that limit also makes the JVM's ergonomics pick SerialGC below 1792
 * MiB, which -XX:MaxRAM does not, so the bench says it when the chart does not.
 */
public record ChartRun(List<String> args, Map<String, String> env, List<String> jvm) {
  public static ChartRun render() {
    var chart = Binaries.repoRoot().resolve("charts/schemagate");
    try {
      var helm =
          new ProcessBuilder(
                  Binaries.of("helm").toString(),
                  "template",
                  "bench",
                  chart.toString(),
                  "--show-only",
                  "templates/deployment.yaml")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      var yaml = new String(helm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (helm.waitFor() != 0) {
        throw new IllegalStateException("helm template " + chart + " failed");
      }
      return of(new KubernetesSerialization().unmarshal(yaml, Deployment.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static ChartRun of(Deployment deployment) {
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    var args =
        container.getArgs().stream()
            .filter(a -> !a.equals("operator") && !a.startsWith("--health-port="))
            .toList();
    var env = new LinkedHashMap<String, String>();
    var jvm = new ArrayList<String>();
    for (var e : container.getEnv()) {
      if (e.getName().equals("JAVA_TOOL_OPTIONS")) {
        jvm.addAll(List.of(e.getValue().trim().split("\\s+")));
      } else if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    var limit = container.getResources().getLimits().get("memory");
    long mib = limit.getNumericalAmount().longValue() / (1024 * 1024);
    jvm.add("-XX:MaxRAM=" + mib + "m");
    if (mib < 1792 && jvm.stream().noneMatch(ChartRun::isCollector)) {
      jvm.add("-XX:+UseSerialGC");
    }
    jvm.removeIf(String::isBlank);
    // Kept in the chart's order, for a stable operator_env line.
    return new ChartRun(List.copyOf(args), Collections.unmodifiableMap(env), List.copyOf(jvm));
  }

  /**
   * The chart's JVM options followed by {@code extra}. A collector named in {@code extra} replaces
   * the chart's: the JVM refuses to start with two.
   */
  public List<String> jvmWith(List<String> extra) {
    var options = new ArrayList<>(jvm);
    if (extra.stream().anyMatch(ChartRun::isCollector)) {
      options.removeIf(ChartRun::isCollector);
    }
    options.addAll(extra);
    return List.copyOf(options);
  }

  private static boolean isCollector(String option) {
    return option.matches("-XX:\\+Use\\w+GC");
  }
}
