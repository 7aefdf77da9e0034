package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.BenchCluster.await;
import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.PodTermination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Release latency, with the operator holding the N others: migrations one at a time. Create the
 * app, wait for its Job's pod (the Deployment held at 0), complete the pod, and take the interval
 * between the watch seeing the Job Complete and seeing the Deployment's spec.replicas set.
 */
final class LatencyRun {
  private LatencyRun() {}

  static void run(BenchCluster cluster, Watch watch, OperatorProcess operator, int samples)
      throws Exception {
    var ns = "bench-latency";
    cluster.createNamespace(ns);
    var apps = new ArrayList<App>();
    for (int i = 0; i < samples; i++) {
      apps.add(new App(ns, "rel-%03d".formatted(i)));
    }
    progress("release latency: " + apps.size() + " migrations, one at a time");
    cluster.create(apps);
    await(
        "Jobs' pods of " + apps.size() + " new migrations",
        Duration.ofMinutes(2),
        () -> apps.stream().allMatch(a -> watch.pendingPod(a) != null && watch.heldAtZero(a)));
    var loadBefore = Machine.loadAverage();
    List<Double> jobToRelease = new ArrayList<>();
    List<Double> podToRelease = new ArrayList<>();
    for (var app : apps) {
      var pod = watch.pendingPod(app);
      var written = System.nanoTime();
      PodTermination.write(cluster.client, pod, 0, null);
      // Both stamps: the Job's and the Deployment's events come on two watches, in either order.
      await(
          "release of " + app,
          Duration.ofSeconds(30),
          () -> watch.released(app) != null && watch.jobComplete(app) != null);
      var complete = watch.jobComplete(app);
      var released = watch.released(app);
      jobToRelease.add((released - complete) / 1e6);
      podToRelease.add((released - written) / 1e6);
      Thread.sleep(50);
    }
    put("release_latency_p50_ms", ms(jobToRelease, 50));
    put("release_latency_p99_ms", ms(jobToRelease, 99));
    put("release_latency_max_ms", ms(jobToRelease, 100));
    put("pod_succeeded_to_release_p50_ms", ms(podToRelease, 50));
    put("pod_succeeded_to_release_p99_ms", ms(podToRelease, 99));
    put("release_latency_load_average", loadBefore + " -> " + Machine.loadAverage());
    put("latency_phase_reconciles_total", "%.0f".formatted(Metrics.reconciles(operator.metrics())));
  }

  private static String ms(List<Double> samples, int p) {
    return "%.1f".formatted(Percentiles.nearestRank(samples, p));
  }
}
