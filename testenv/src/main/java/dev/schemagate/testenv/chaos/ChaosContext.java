package dev.schemagate.testenv.chaos;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.bench.BenchCluster;
import dev.schemagate.testenv.bench.ChartRun;
import dev.schemagate.testenv.bench.Output;
import dev.schemagate.testenv.bench.RequestLog;
import dev.schemagate.testenv.node.ImageMap;
import dev.schemagate.testenv.node.LocalNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every part shares: the options, the cluster (a control plane whose operators run as the
 * chart runs them), the random source (seeded, and printed, so a run can be replayed), and the
 * tallies the command prints at the end.
 */
final class ChaosContext {
  /** The image the local node runs migration Jobs in: the operator's jar (testenv/images.yaml). */
  static final String RUNNER_IMAGE = "schemagate:chaos";

  final ChaosOptions options;
  final BenchCluster cluster;
  final KubernetesClient client;
  final Random random;
  final List<String> duplicateRuns = new ArrayList<>();
  final List<String> earlyReleases = new ArrayList<>();
  final AtomicInteger notReadyAtEnd = new AtomicInteger();
  final AtomicInteger operatorCrashes = new AtomicInteger();

  /**
   * The logs of the run's operators that hold their request log: every one started here when the
   * {@code rbac} part runs, and the fuzz part's. {@link RbacRun} reads the rights they used.
   */
  final List<Path> requestLogs = new ArrayList<>();

  private final ChartRun chart;

  ChaosContext(ChaosOptions options, BenchCluster cluster, ChartRun chart) {
    this.options = options;
    this.cluster = cluster;
    this.client = cluster.client;
    this.random = new Random(options.seed());
    this.chart = chart;
  }

  Path work() {
    return options.work();
  }

  /**
   * An operator process with the chart's args, env and JVM options; its HOSTNAME, its identity in
   * the Lease, is {@code hostname}: a process started again with the same one is a container
   * restarted in the same pod. With the {@code rbac} part, its request log is on.
   */
  OperatorProcess startOperator(String hostname, String log) throws Exception {
    var jvm = new ArrayList<>(chart.jvm());
    var path = work().resolve(log);
    if (options.parts().contains(RbacRun.NAME)) {
      jvm.add(RequestLog.JVM_OPTION);
      requestLogs.add(path);
    }
    return cluster.startOperator(jvm, Map.of("HOSTNAME", hostname), path);
  }

  /** A namespace with a local node that runs its pods (app pods: a process that sleeps). */
  LocalNode namespaceWithNode(String namespace) {
    cluster.createNamespace(namespace);
    return LocalNode.builder(client)
        .name("node-" + namespace)
        .namespaces(namespace)
        .dir(work().resolve("node-" + namespace))
        .image(ChaosApp.IMAGE_REPOSITORY, ImageMap.Image.entrypoint("sleep", "86400"))
        .start();
  }

  /**
   * {@code count} apps, each with a database of its own, created gate first (held from the start).
   */
  List<ChaosApp> createApps(String namespace, int count) {
    var apps = new ArrayList<ChaosApp>();
    for (int i = 0; i < count; i++) {
      var name = "app-" + i;
      var app =
          new ChaosApp(
              namespace,
              name,
              LocalPostgres.shared().createDatabase(namespace.replace('-', '_') + "_" + i));
      client.resource(app.secret()).create();
      client.resource(app.migrations(1, java.util.Set.of())).create();
      client.resource(app.schemaMigration()).create();
      client.resource(app.deployment()).create();
      apps.add(app);
    }
    return apps;
  }

  /** Waits up to {@code minutes} for every app Ready; returns those that are not. */
  List<String> awaitAllReady(List<ChaosApp> apps, int minutes) throws InterruptedException {
    var deadline = System.nanoTime() + minutes * 60_000_000_000L;
    List<String> notReady;
    do {
      notReady =
          apps.stream()
              .filter(a -> !Streams.ready(client, a, null))
              .map(ChaosApp::migration)
              .toList();
      if (notReady.isEmpty()) {
        return notReady;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    return notReady;
  }

  /** Judges a part's history: its findings go to stderr and into the tallies. */
  void judge(String part, History history) {
    var duplicates = DuplicateRuns.find(history);
    var early = EarlyReleases.find(history);
    duplicates.forEach(d -> Output.progress(part + ": duplicate run: " + d));
    early.forEach(e -> Output.progress(part + ": early release: " + e));
    Output.progress(
        part
            + ": judged "
            + history.jobs().size()
            + " Jobs, "
            + history.runs().size()
            + " migration pods, "
            + history.appPods().size()
            + " app pods");
    duplicateRuns.addAll(duplicates);
    earlyReleases.addAll(early);
  }

  /** The database URL of each app's SchemaMigration ("namespace/name"). */
  static Map<String, String> databases(List<ChaosApp> apps) {
    var databases = new java.util.LinkedHashMap<String, String>();
    apps.forEach(a -> databases.put(a.migration(), a.databaseUrl()));
    return databases;
  }

  static SchemaMigration migration(KubernetesClient client, ChaosApp app) {
    return client
        .resources(SchemaMigration.class)
        .inNamespace(app.namespace())
        .withName(app.name())
        .get();
  }
}
