package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.BenchCluster.await;
import static dev.schemagate.testenv.bench.BenchCluster.seconds;
import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.OperatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scaling curve: one operator while the population grows through the --curve sizes (100 and
 * 1,000, say), and at each size its settled RSS and the CPU seconds and API requests that the
 * step's new SchemaMigrations cost it, in all and each ({@link CurveFigures}).
 *
 * <p>Each step creates the apps up to the next size while the operator runs (as SchemaMigrations
 * reach a cluster: with their apps, into a running operator), waits until every new one is Ready
 * and its Job Complete (the operator reconciles on that too) and the operator's reconciles have
 * stopped for 2 s, then reads the operator. So the largest size is created once, where a cold start
 * per size would create them all again; what a cold start over N costs is {@link ColdStartRun}'s.
 * The CPU and requests of a step include the Lease renewals over its time and the bench's few
 * /metrics scrapes: costs of time, not of SchemaMigrations; requests are given without the Lease's
 * too.
 *
 * <p>On a control plane of its own, after the first has stopped (the two would share the cores):
 * the population starts from none, and the operator watches every namespace as the chart runs it,
 * the apps spread over --namespaces as in the cold start, so the point at --migrations stands
 * beside the cold start's figures. On the first plane the operator would also hold that plane's N,
 * or, watching only the curve's namespaces, run an informer per namespace and type where the
 * chart's operator runs one per type.
 */
final class CurveRun {
  private CurveRun() {}

  static void run(Options options, ChartRun chart, List<String> jvm) throws Exception {
    try (var cluster =
            BenchCluster.start(
                options.work(), chart, options.operatorArgs(), ControlPlane.Options.defaults());
        var watch = new Watch(cluster.client)) {
      for (int n = 0; n < options.namespaces(); n++) {
        cluster.createNamespace(App.namespace(n));
      }
      var jvmCurve = new ArrayList<>(jvm);
      if (options.logRequests()) {
        jvmCurve.add(RequestLog.JVM_OPTION);
      }
      var log = cluster.work().resolve("operator-curve.log");
      watch.completePods(true);
      try (var operator = cluster.startOperator(jvmCurve, Map.of(), log)) {
        operator.awaitReady(Duration.ofMinutes(2));
        RestartRun.awaitQuiet(operator, Duration.ofSeconds(60));
        var points = new ArrayList<CurveFigures.Point>();
        points.add(point(0, cluster, operator, log, options));
        CurveFigures.point(points.get(0)).forEach(Output::put);
        for (var size : options.curve()) {
          var from = points.get(points.size() - 1);
          var to = grow(cluster, watch, operator, log, from.size(), size, options);
          CurveFigures.point(to).forEach(Output::put);
          CurveFigures.step(from, to).forEach(Output::put);
          points.add(to);
        }
        CurveFigures.bend(points, options.logRequests()).forEach(Output::put);
        operator.terminate(Duration.ofSeconds(20));
      }
    }
  }

  /** Grows the population from {@code from} to {@code to}; returns the operator, settled. */
  private static CurveFigures.Point grow(
      BenchCluster cluster,
      Watch watch,
      OperatorProcess operator,
      Path log,
      int from,
      int to,
      Options options)
      throws Exception {
    var apps = App.population(from, to, options.namespaces());
    var added = apps.size();
    // As long as the cold start of 1,000 took with seven other engineers' builds running.
    var timeout = Duration.ofSeconds(120 + added);
    var jobs = watch.jobsSeen() + added;
    var ready = watch.readyCount() + added;
    var complete = watch.jobsComplete() + added;
    progress("curve: " + from + " -> " + to + " SchemaMigrations");
    var loadBefore = Machine.loadAverage();
    var start = System.nanoTime();
    cluster.create(apps);
    progress("created %d apps in %.1f s".formatted(added, seconds(System.nanoTime() - start)));
    await(
        "the operator's first reconcile of the " + added + " new and their Jobs",
        timeout,
        () -> watch.jobsSeen() >= jobs);
    put("curve_" + to + "_reconciled_s", "%.2f".formatted(seconds(System.nanoTime() - start)));
    var allReady = watch.awaitReady(ready, timeout);
    put("curve_" + to + "_ready_s", "%.2f".formatted(seconds(allReady - start)));
    await("the " + added + " new Jobs Complete", timeout, () -> watch.jobsComplete() >= complete);
    RestartRun.awaitQuiet(operator, Duration.ofSeconds(60));
    put("curve_" + to + "_load_average", loadBefore + " -> " + Machine.loadAverage());
    return point(to, cluster, operator, log, options);
  }

  private static CurveFigures.Point point(
      int size, BenchCluster cluster, OperatorProcess operator, Path log, Options options)
      throws Exception {
    var memory = Memory.of(operator.pid(), operator.metrics());
    return new CurveFigures.Point(
        size,
        memory.rssKib().orElse(0),
        memory.cpuSeconds(),
        new CurveFigures.ControlPlaneCost(
            Cpu.snapshot().seconds().getOrDefault("kube-apiserver", 0.0),
            cluster.admissionPolicySeconds()),
        options.logRequests() ? RequestLog.count(log) : Map.of());
  }
}
