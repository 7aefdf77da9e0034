package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.BenchCluster.await;
import static dev.schemagate.testenv.bench.BenchCluster.seconds;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.testenv.OperatorProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Restart: a new operator process (no request log) over the N Ready SchemaMigrations: time to
 * /readyz and to its first reconcile of all N, the reconciles a restart costs, its memory. This
 * operator then serves the latency run.
 */
final class RestartRun {
  private RestartRun() {}

  /** Returns the restarted operator's settled RSS in KiB (0 when unread). */
  static long run(BenchCluster cluster, Watch watch, Options options, List<String> jvm, int count)
      throws Exception {
    var log = cluster.work().resolve("operator-restart.log");
    try (var operator = cluster.startOperator(jvm, Map.of(), log)) {
      var start = System.nanoTime();
      operator.awaitReady(Duration.ofMinutes(2));
      put("restart_readyz_s", "%.2f".formatted(seconds(System.nanoTime() - start)));
      // Every SchemaMigration is reconciled once at start, once this process holds the Lease (the
      // previous holder released it on SIGTERM).
      awaitReconciled(operator, count, "the restarted operator");
      put("restart_all_reconciled_s", "%.2f".formatted(seconds(System.nanoTime() - start)));
      awaitQuiet(operator, Duration.ofSeconds(60));
      put("restart_reconciles", "%.0f".formatted(Metrics.reconciles(operator.metrics())));
      Memory.print("_restart", operator);
      var settledKib = Memory.of(operator.pid(), operator.metrics()).rssKib().orElse(0);
      if (options.latencySamples() > 0) {
        LatencyRun.run(
            cluster, watch, operator, options.latencySamples(), HoldMechanism.SchedulingGate);
        Memory.print("_after_latency", operator);
      }
      operator.terminate(Duration.ofSeconds(20));
      return settledKib;
    }
  }

  /** Waits for the operator's first reconcile of all {@code count}, its metrics up or not. */
  static void awaitReconciled(OperatorProcess operator, int count, String who)
      throws InterruptedException {
    await(
        who + "'s first reconcile of all " + count,
        Duration.ofMinutes(2),
        () -> {
          try {
            return Metrics.reconciles(operator.metrics()) >= count;
          } catch (Exception e) {
            return false;
          }
        });
  }

  /** Waits until the operator's reconcile count stops moving for 2 s. */
  static void awaitQuiet(OperatorProcess operator, Duration timeout) throws Exception {
    var deadline = System.nanoTime() + timeout.toNanos();
    double last = -1;
    while (System.nanoTime() < deadline) {
      var now = Metrics.reconciles(operator.metrics());
      if (now == last) {
        return;
      }
      last = now;
      Thread.sleep(2000);
    }
  }
}
