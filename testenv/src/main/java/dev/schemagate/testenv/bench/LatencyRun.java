package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.BenchCluster.await;
import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.PodTermination;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Release latency of upgrades, one at a time. Each sample is an app of its own, Ready at {@link
 * App#IMAGE} (1 or 2 replicas, maxUnavailable 0, maxSurge 1): the bench sets its Deployment's image
 * to {@link #UPGRADED_IMAGE}, waits until the new image is held (its surge pod gated, or its
 * ReplicaSet's creates refused) and the migration Job's pod exists, makes that pod succeed as a
 * kubelet would, and takes the intervals from the watch seeing the pod Succeeded and the Job
 * Complete to the watch seeing the release: the first held pod's gate gone (SchedulingGate), or the
 * first pod of the new image created (AdmissionPolicy).
 */
final class LatencyRun {
  static final String UPGRADED_IMAGE = "bench-app:2";

  /**
   * AdmissionPolicy: how long the refused ReplicaSet is left failing before the migration succeeds.
   * Its controller's back-off doubles from 5 ms, so by then a retry is up to about a second away,
   * and a release that came from a retry rather than the operator's nudge would show.
   */
  static final Duration REFUSED_FOR = Duration.ofSeconds(1);

  private static final String NAMESPACE = "bench-latency";

  private LatencyRun() {}

  /**
   * Mode AdmissionPolicy, on a control plane of its own whose API server serves no
   * MutatingAdmissionPolicy (as before Kubernetes 1.36), with an operator as the chart runs it.
   */
  static void withoutMutatingAdmissionPolicy(Options options, ChartRun chart, List<String> jvm)
      throws Exception {
    try (var cluster =
            BenchCluster.start(
                options.work(),
                chart,
                options.operatorArgs(),
                ControlPlane.Options.withoutMutatingAdmissionPolicy());
        var watch = new Watch(cluster.client);
        var operator =
            cluster.startOperator(
                jvm, Map.of(), cluster.work().resolve("operator-without-map.log"))) {
      operator.awaitReady(Duration.ofMinutes(2));
      run(cluster, watch, operator, options.latencySamples(), HoldMechanism.AdmissionPolicy);
      operator.terminate(Duration.ofSeconds(20));
    }
  }

  static void run(
      BenchCluster cluster,
      Watch watch,
      OperatorProcess operator,
      int count,
      HoldMechanism mechanism)
      throws Exception {
    var prefix = mechanism == HoldMechanism.SchedulingGate ? "gate_" : "refused_";
    cluster.createNamespace(NAMESPACE);
    watch.watchRollouts(NAMESPACE);
    var apps = new ArrayList<App>();
    for (int i = 0; i < count; i++) {
      apps.add(new App(NAMESPACE, "rel-%03d".formatted(i), 1 + i % 2));
    }
    progress("release latency (" + mechanism + "): " + count + " apps installed at " + App.IMAGE);
    cluster.create(apps);
    watch.completePods(true);
    await(
        "first installs of " + count + " apps Ready",
        Duration.ofMinutes(3),
        () -> apps.stream().allMatch(watch::ready));
    watch.completePods(false);
    var reported = holdMechanism(cluster, apps.get(0));
    if (!mechanism.name().equals(reported)) {
      throw new IllegalStateException(
          "expected hold mechanism " + mechanism + ", the operator reports " + reported);
    }

    progress("upgrading them to " + UPGRADED_IMAGE + ", one at a time");
    var loadBefore = Machine.loadAverage();
    var samples = new ArrayList<LatencyFigures.Sample>();
    for (var app : apps) {
      samples.add(upgrade(cluster, watch, app, mechanism));
      Thread.sleep(50);
    }
    if (mechanism == HoldMechanism.SchedulingGate) {
      LatencyFigures.headline(samples).forEach(Output::put);
    }
    LatencyFigures.all(prefix, samples).forEach(Output::put);
    put(prefix + "latency_load_average", loadBefore + " -> " + Machine.loadAverage());
    put(
        prefix + "latency_phase_reconciles_total",
        "%.0f".formatted(Metrics.reconciles(operator.metrics())));
  }

  private static LatencyFigures.Sample upgrade(
      BenchCluster cluster, Watch watch, App app, HoldMechanism mechanism) throws Exception {
    var rollouts = watch.rollouts();
    cluster
        .client
        .apps()
        .deployments()
        .inNamespace(app.namespace())
        .withName(app.name())
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), App.imagePatch(UPGRADED_IMAGE));
    await(
        app + " at " + UPGRADED_IMAGE + " held, its migration pod waiting",
        Duration.ofSeconds(30),
        () -> {
          var job = watch.job(app, UPGRADED_IMAGE);
          var held =
              mechanism == HoldMechanism.SchedulingGate
                  ? rollouts.held(app, UPGRADED_IMAGE)
                  : rollouts.refused(app, UPGRADED_IMAGE);
          return held != null && job != null && watch.pendingPod(app.namespace(), job) != null;
        });
    if (mechanism == HoldMechanism.AdmissionPolicy) {
      Thread.sleep(REFUSED_FOR.toMillis());
    }
    var job = watch.job(app, UPGRADED_IMAGE);
    var pod = watch.pendingPod(app.namespace(), job);
    var written = System.nanoTime();
    PodTermination.write(cluster.client, pod, 0, null);
    // All three stamps: they come on three informers, in any order.
    await(
        "release of " + app + " at " + UPGRADED_IMAGE,
        Duration.ofSeconds(30),
        () ->
            released(rollouts, app, mechanism) != null
                && watch.podSucceeded(app.namespace(), job) != null
                && watch.jobComplete(app.namespace(), job) != null);
    return new LatencyFigures.Sample(
        written,
        watch.podSucceeded(app.namespace(), job),
        watch.jobComplete(app.namespace(), job),
        released(rollouts, app, mechanism));
  }

  /** Gated pods are released by removing the gate; refused ones by being created at last. */
  private static Long released(Rollouts rollouts, App app, HoldMechanism mechanism) {
    return mechanism == HoldMechanism.SchedulingGate
        ? rollouts.released(app, UPGRADED_IMAGE)
        : rollouts.created(app, UPGRADED_IMAGE);
  }

  private static String holdMechanism(BenchCluster cluster, App app) {
    var m =
        cluster
            .client
            .resources(SchemaMigration.class)
            .inNamespace(app.namespace())
            .withName(app.name())
            .get();
    return m == null || m.getStatus() == null ? null : m.getStatus().getHoldMechanism();
  }
}
