package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.OperatorProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on and with: the machine, the versions, the operator's run. */
final class Machine {
  private Machine() {}

  static void print(ChartRun chart, List<String> operatorArgs, List<String> jvm)
      throws IOException {
    put("machine_cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    var cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.replaceFirst(".*:\\s*", ""))
            .orElse("?");
    put("machine_cpu", cpu);
    var mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("[^0-9]", "");
    put("machine_memory_mib", Long.toString(Long.parseLong(mem) / 1024));
    put(
        "java_version",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    put("josdk_version", implementationVersion(Operator.class));
    put("fabric8_version", implementationVersion(KubernetesClient.class));
    put("operator_jar", OperatorProcess.jar().getFileName().toString());
    put(
        "operator_args",
        String.join(" ", chart.args())
            + (operatorArgs.isEmpty() ? "" : " " + String.join(" ", operatorArgs)));
    put("operator_env", chart.env().toString());
    put("operator_jvm_options", String.join(" ", jvm));
    put("load_average_at_start", loadAverage());
  }

  /** The 1, 5 and 15 minute load averages of /proc/loadavg. */
  static String loadAverage() {
    try {
      var parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String implementationVersion(Class<?> type) {
    var v = type.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    // Fall back to the jar's file name (…/artifact-1.2.3.jar).
    var location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    return Path.of(location).getFileName().toString().replaceAll("^.*?-(\\d[^/]*)\\.jar$", "$1");
  }
}
