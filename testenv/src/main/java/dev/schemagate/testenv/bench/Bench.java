package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.ControlPlane;

/**
 * SchemaGate's benchmark, a command of its own: `testenv/bench`. It starts a local control plane,
 * runs the operator jar in a JVM of its own (as the chart runs the image: the args, env and JVM
 * options of `helm template` with defaults, under the chart's memory limit), plays the kubelet for
 * migration pods, and prints one {@code name=value} per line on stdout (progress goes to stderr).
 *
 * <ol>
 *   <li>{@link ColdStartRun}: N SchemaMigrations exist before the operator starts; time to all N
 *       Ready, CPU, memory, API requests per reconcile, exit on SIGTERM.
 *   <li>{@link AdmissionRun}: the API server's CPU per pod create, with N / --namespaces
 *       SchemaMigrations in the pod's namespace and with none.
 *   <li>{@link RestartRun}: a new operator over the N Ready: time to ready, what a restart costs.
 *   <li>{@link LatencyRun}, with that operator holding the N: upgrades of apps one at a time, from
 *       the migration pod's Succeeded and the Job's Complete to the first held pod of the new image
 *       released (figures {@code release_latency_*} and {@code pod_succeeded_to_release_*}, and all
 *       of them as {@code gate_*}).
 *   <li>{@link SlopeRun}: a restart over the first K namespaces only, for the settled RSS per
 *       SchemaMigration.
 *   <li>{@link VariantRun}, for each --variants entry: memory with other JVM options, JDK or build.
 *   <li>{@link LatencyRun} again, on a control plane that serves no MutatingAdmissionPolicy
 *       (figures {@code refused_*}).
 *   <li>{@link CurveRun}, on a control plane of its own: the population grown through the --curve
 *       sizes, the operator measured at each ({@code curve_*}).
 *   <li>{@link RunnerRun}: {@code schemagate migrate}'s start-up against psql, interleaved.
 *   <li>{@link RehearsalRun}: what {@code schemagate rehearse} adds to a release.
 * </ol>
 *
 * <p>{@link Watch} times what the cluster does ({@link Rollouts}: the apps' pods); {@link Cpu},
 * {@link Memory}, {@link RequestLog}, {@link Metrics}, {@link Percentiles} and {@link
 * LatencyFigures} are the measurements.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    if (Options.wantsHelp(args)) {
      System.err.println(Options.USAGE);
      return;
    }
    int exit = 0;
    try {
      run(Options.parse(args));
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    }
    // Informer and HTTP client threads would keep the JVM up.
    System.exit(exit);
  }

  private static void run(Options options) throws Exception {
    if (options.runnerOnly()) {
      RunnerRun.run(options.work().resolve("runner"), options.runnerRounds());
      return;
    }
    if (options.rehearsalOnly()) {
      RehearsalRun.run(options.work().resolve("rehearsal"), options.rehearsalRounds());
      return;
    }
    var chart = ChartRun.render();
    if (options.admissionOnly()) {
      try (var cluster =
          BenchCluster.start(
              options.work(), chart, options.operatorArgs(), ControlPlane.Options.defaults())) {
        put("kubernetes_version", cluster.client.getKubernetesVersion().getGitVersion());
        AdmissionRun.population(cluster, options);
        AdmissionRun.run(cluster, options);
      }
      return;
    }
    var jvm = chart.jvmWith(options.jvm());
    Machine.print(chart, options.operatorArgs(), jvm);
    try (var cluster =
            BenchCluster.start(
                options.work(), chart, options.operatorArgs(), ControlPlane.Options.defaults());
        var watch = new Watch(cluster.client)) {
      put("kubernetes_version", cluster.client.getKubernetesVersion().getGitVersion());
      var apps = ColdStartRun.run(cluster, watch, options, jvm);
      AdmissionRun.run(cluster, options);
      var restartKib = RestartRun.run(cluster, watch, options, jvm, apps.size());
      if (options.slopeNamespaces() > 0 && options.slopeNamespaces() < options.namespaces()) {
        SlopeRun.run(cluster, options, jvm, apps, restartKib);
      }
      for (int v = 0; v < options.variants().size(); v++) {
        VariantRun.run(cluster, v, options.variants().get(v), chart, apps.size());
      }
    }
    // After the first plane has stopped: the two would share the machine's cores.
    if (options.latencySamples() > 0) {
      LatencyRun.withoutMutatingAdmissionPolicy(options, chart, jvm);
    }
    if (!options.curve().isEmpty()) {
      CurveRun.run(options, chart, jvm);
    }
    // Last, with no control plane left to share the cores with.
    if (options.runnerRounds() > 0) {
      RunnerRun.run(options.work().resolve("runner"), options.runnerRounds());
    }
    if (options.rehearsalRounds() > 0) {
      RehearsalRun.run(options.work().resolve("rehearsal"), options.rehearsalRounds());
    }
    Output.operatorLogErrors();
  }
}
