package dev.schemagate.testenv.bench;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.OperatorProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The bench's cluster: a local control plane (with the CRD and the chart's pod admission policy),
 * the apps created in it, and the operator started against it as the chart runs it.
 */
public final class BenchCluster implements AutoCloseable {
  /** POD_NAMESPACE of the operator: where its leader-election Lease lives. */
  public static final String LEASE_NAMESPACE = "schemagate-system";

  public final KubernetesClient client;
  private final ControlPlane plane;
  private final ChartRun chart;
  private final List<String> operatorArgs;
  private final Path work;
  private final ExecutorService writers = Executors.newFixedThreadPool(8);

  private BenchCluster(ControlPlane plane, ChartRun chart, List<String> operatorArgs, Path work) {
    this.plane = plane;
    this.client = plane.client();
    this.chart = chart;
    this.operatorArgs = operatorArgs;
    this.work = work;
  }

  public static BenchCluster start(
      Path work, ChartRun chart, List<String> operatorArgs, ControlPlane.Options options)
      throws Exception {
    Files.createDirectories(work);
    Output.progress("starting the control plane in " + work + " (" + options + ")");
    var cluster = new BenchCluster(ControlPlane.start(work, options), chart, operatorArgs, work);
    try {
      // Established is not quite served: the first list may still answer 404 for a moment.
      await(
          "SchemaMigrations served",
          Duration.ofSeconds(30),
          () -> {
            try {
              cluster.client.resources(SchemaMigration.class).inAnyNamespace().list();
              return true;
            } catch (RuntimeException e) {
              return false;
            }
          });
      cluster.createNamespace(LEASE_NAMESPACE);
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  public ControlPlane plane() {
    return plane;
  }

  Path work() {
    return work;
  }

  public void createNamespace(String name) {
    // The serviceaccount controller makes "default"; pods need none here (admission plugin off).
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  /** Creates every app's manifests, eight apps at a time. */
  void create(List<App> apps) throws Exception {
    runAll(
        apps.stream()
            .map(app -> (Runnable) () -> app.manifests().forEach(m -> client.resource(m).create()))
            .toList());
  }

  /** Creates these objects, eight at a time. */
  void createAll(List<? extends HasMetadata> objects) throws Exception {
    runAll(objects.stream().map(o -> (Runnable) () -> client.resource(o).create()).toList());
  }

  private void runAll(List<Runnable> writes) throws Exception {
    var futures = writes.stream().map(writers::submit).toList();
    for (var f : futures) {
      f.get(5, TimeUnit.MINUTES);
    }
  }

  /** Sum of apiserver_request_total on the API server's /metrics: everyone's requests. */
  double apiserverRequests() {
    return Metrics.sum(client.raw("/metrics"), "apiserver_request_total");
  }

  /**
   * Seconds the API server spent in its admission policies (both plugins, every request) since it
   * started, from its /metrics.
   */
  double admissionPolicySeconds() {
    var metrics = client.raw("/metrics");
    var name = "apiserver_admission_controller_admission_duration_seconds_sum";
    return Metrics.sum(metrics, name, "name=\"MutatingAdmissionPolicy\"")
        + Metrics.sum(metrics, name, "name=\"ValidatingAdmissionPolicy\"");
  }

  /**
   * The operator as the chart runs it (its args and env, and the bench's --operator-args), with
   * these JVM options and extra env; its output goes to {@code log}, a fresh one.
   */
  public OperatorProcess startOperator(List<String> jvm, Map<String, String> extraEnv, Path log)
      throws IOException {
    return startOperator(
        Path.of(System.getProperty("java.home"), "bin", "java"),
        OperatorProcess.jar(),
        jvm,
        extraEnv,
        List.of(),
        log);
  }

  /** As above, with another java or jar, and flags after the chart's and --operator-args. */
  OperatorProcess startOperator(
      Path java,
      Path jar,
      List<String> jvm,
      Map<String, String> extraEnv,
      List<String> extraArgs,
      Path log)
      throws IOException {
    Files.deleteIfExists(log);
    var args = new ArrayList<>(chart.args());
    args.addAll(operatorArgs);
    args.addAll(extraArgs);
    var env = new LinkedHashMap<>(chart.env());
    // Connected as the chart's pod is: its memory is the figure.
    env.putAll(plane.inClusterEnvironment());
    env.putAll(extraEnv);
    env.put("POD_NAMESPACE", LEASE_NAMESPACE);
    return OperatorProcess.start(java, jar, plane.kubeconfig(), jvm, args, env, log);
  }

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    await(what, timeout, Duration.ofMillis(5), condition);
  }

  /**
   * Polls {@code condition} every {@code poll} until it holds; fails naming {@code what} after
   * {@code timeout}.
   */
  public static void await(String what, Duration timeout, Duration poll, BooleanSupplier condition)
      throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(poll.toMillis());
    }
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  @Override
  public void close() {
    writers.shutdownNow();
    client.close();
    plane.close();
  }
}
