package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.bench.Metrics;
import dev.schemagate.testenv.bench.Output;
import dev.schemagate.testenv.bench.Percentiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.function.IntSupplier;

/**
 * Operator kills: while the streams run, {@code kill -9} the operator at random points and start a
 * new one in its place (the kubelet restarting the container: the same HOSTNAME, so the same
 * identity in the Lease). The points: after a random delay, at once when the watch sees the next
 * Job created (between the Job's create and the status write that records it), and at once when it
 * sees the next migration pod Succeeded (between success and the status write and release).
 * Recovery: from the kill to the new process's first reconcile.
 */
final class OperatorKills implements Part {
  private static final String NAMESPACE = "chaos-kills";
  private static final String HOSTNAME = "schemagate-kills";

  @Override
  public String name() {
    return "kills";
  }

  @Override
  public void run(ChaosContext context) throws Exception {
    var options = context.options;
    var client = context.client;
    try (var node = context.namespaceWithNode(NAMESPACE);
        var recorder = new Recorder(client, NAMESPACE)) {
      var apps = context.createApps(NAMESPACE, options.apps());
      var operator = start(context, 0);
      var recoveries = new ArrayList<Double>();
      var points = new LinkedHashMap<String, Integer>();
      try (var streams = new Streams(client, apps, context.random.nextLong())) {
        for (int kill = 1; kill <= options.kills(); kill++) {
          var point = waitForPoint(context, recorder);
          points.merge(point, 1, Integer::sum);
          if (!operator.isAlive()) {
            context.operatorCrashes.incrementAndGet();
            Output.progress("kills: the operator had exited on its own; see " + operator.log());
          }
          operator.close(); // SIGKILL
          var killed = System.nanoTime();
          operator = start(context, kill);
          awaitFirstReconcile(operator);
          recoveries.add((System.nanoTime() - killed) / 1e9);
          Output.progress(
              "kills: kill %d/%d (%s), recovered in %.2f s, %d revisions so far"
                  .formatted(
                      kill, options.kills(), point, recoveries.get(kill - 1), streams.revisions()));
        }
        streams.await();
        put("kills_revisions", "" + streams.revisions());
        put("kills_unexpected_outcomes", "" + streams.unexpectedOutcomes());
      }
      var notReady = context.awaitAllReady(apps, 3);
      notReady.forEach(m -> Output.progress("kills: not Ready at the end: " + m));
      context.notReadyAtEnd.addAndGet(notReady.size());
      context.judge(name(), recorder.history(ChaosContext.databases(apps)));
      if (!operator.isAlive()) {
        context.operatorCrashes.incrementAndGet();
      }
      operator.terminate(Duration.ofSeconds(20));
      operator.close();
      put("operator_kills", "" + recoveries.size());
      put("kill_points", points.toString().replace(" ", ""));
      if (!recoveries.isEmpty()) {
        put("recovery_p50_s", "%.2f".formatted(Percentiles.nearestRank(recoveries, 50)));
        put("recovery_p99_s", "%.2f".formatted(Percentiles.nearestRank(recoveries, 99)));
      }
    }
  }

  private static OperatorProcess start(ChaosContext context, int n) throws Exception {
    return context.startOperator(HOSTNAME, "kills-operator-" + n + ".log");
  }

  /** Waits for one of the three kinds of kill point, chosen at random; returns its name. */
  private static String waitForPoint(ChaosContext context, Recorder recorder)
      throws InterruptedException {
    switch (context.random.nextInt(3)) {
      case 0:
        Thread.sleep(context.random.nextInt(4000));
        return "delay";
      case 1:
        return awaitNext(recorder::jobsCreated) ? "job-created" : "delay";
      default:
        return awaitNext(recorder::successes) ? "pod-succeeded" : "delay";
    }
  }

  /** Waits up to 60 s for the counter to move; false if it did not. */
  private static boolean awaitNext(IntSupplier counter) throws InterruptedException {
    var from = counter.getAsInt();
    var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (counter.getAsInt() > from) {
        return true;
      }
      Thread.sleep(1);
    }
    return false;
  }

  static void awaitFirstReconcile(OperatorProcess operator) throws InterruptedException {
    var deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Metrics.reconciles(operator.metrics()) >= 1) {
          return;
        }
      } catch (Exception e) {
        // Not serving /metrics yet.
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no reconcile 3 min after start; see " + operator.log());
  }
}
