package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.BenchCluster.seconds;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.OperatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Memory with other JVM options (after the chart's), over the same N Ready SchemaMigrations: a
 * restart, its first reconcile of all N, then 10 s of quiet.
 */
final class VariantRun {
  private VariantRun() {}

  /**
   * @param options JVM options, {@code NAME=value} environment variables, {@code java=PATH}
   *     (another JDK's java) and {@code jar=PATH} (another build of the operator, e.g. main's),
   *     space-separated
   */
  static void run(BenchCluster cluster, int n, String options, ChartRun chart, int count)
      throws Exception {
    var extraJvm = new ArrayList<String>();
    var env = new LinkedHashMap<String, String>();
    var java = Path.of(System.getProperty("java.home"), "bin", "java");
    var jar = OperatorProcess.jar();
    for (var o : options.split(" ")) {
      if (o.startsWith("java=")) {
        java = Path.of(o.substring("java=".length()));
      } else if (o.startsWith("jar=")) {
        jar = Path.of(o.substring("jar=".length()));
      } else if (o.matches("[A-Z_]+=.*")) {
        env.put(o.substring(0, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
      } else if (!o.isBlank()) {
        extraJvm.add(o);
      }
    }
    var name = "variant" + n;
    put(name, options);
    try (var operator =
        cluster.startOperator(
            java,
            jar,
            chart.jvmWith(extraJvm),
            env,
            List.of(),
            cluster.work().resolve(name + ".log"))) {
      var start = System.nanoTime();
      RestartRun.awaitReconciled(operator, count, name);
      put(name + "_all_reconciled_s", "%.2f".formatted(seconds(System.nanoTime() - start)));
      Thread.sleep(10_000);
      Memory.print("_" + name, operator);
      operator.terminate(Duration.ofSeconds(20));
    }
  }
}
