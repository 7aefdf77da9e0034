package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.OperatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Settled RSS per extra SchemaMigration: the restart over all N (RestartRun's figure) against a
 * restart, measured the same way, that watches only the first K namespaces (N·K/namespaces
 * SchemaMigrations). Watching a namespace list costs an informer per namespace and type where the
 * full run has one per type, so the slope it gives is, if anything, low by that overhead / N.
 */
final class SlopeRun {
  private SlopeRun() {}

  static void run(
      BenchCluster cluster, Options options, List<String> jvm, List<App> apps, long fullKib)
      throws Exception {
    var k = options.slopeNamespaces();
    var namespaces = IntStream.range(0, k).mapToObj(App::namespace).collect(Collectors.toSet());
    var count = (int) apps.stream().filter(a -> namespaces.contains(a.namespace())).count();
    try (var operator =
        cluster.startOperator(
            Path.of(System.getProperty("java.home"), "bin", "java"),
            OperatorProcess.jar(),
            jvm,
            Map.of(),
            List.of("--namespaces=" + String.join(",", namespaces.stream().sorted().toList())),
            cluster.work().resolve("operator-slope.log"))) {
      RestartRun.awaitReconciled(operator, count, "the operator on " + k + " namespaces");
      RestartRun.awaitQuiet(operator, Duration.ofSeconds(60));
      var partKib = Memory.of(operator.pid(), operator.metrics()).rssKib().orElse(0);
      put("operator_rss_mib_restart_" + count, "%.1f".formatted(partKib / 1024.0));
      if (fullKib > 0 && partKib > 0 && apps.size() > count) {
        put("rss_kib_per_migration", figure(fullKib, partKib, apps.size(), count));
      }
      operator.terminate(Duration.ofSeconds(20));
    }
  }

  /**
   * Below this many SchemaMigrations apart the RSS difference is a few MiB, within what the
   * collector's timing moves it by (a --quick run, 100 vs 30, has printed -39.2).
   */
  static final int MEANINGFUL_APART = 500;

  static String figure(long fullKib, long partKib, int full, int part) {
    var figure =
        "%.1f (%d vs %d SchemaMigrations"
            .formatted(perMigration(fullKib, partKib, full, part), full, part);
    return full - part < MEANINGFUL_APART
        ? figure + "; fewer than " + MEANINGFUL_APART + " apart: noise, take it from a 1,000 run)"
        : figure + ")";
  }

  static double perMigration(long fullKib, long partKib, int full, int part) {
    return (fullKib - partKib) / (double) (full - part);
  }
}
