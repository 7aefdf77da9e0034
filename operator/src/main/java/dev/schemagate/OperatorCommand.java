package dev.schemagate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.reconcile.EventSources;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Run the SchemaMigration operator (uses the in-cluster config or $KUBECONFIG).")
public final class OperatorCommand implements Callable<Integer> {
  @Option(
      names = "--namespaces",
      split = ",",
      defaultValue = "${env:SCHEMAGATE_NAMESPACES}",
      description = "Namespaces to watch, comma-separated; all namespaces when empty.")
  List<String> namespaces = List.of();

  @Option(
      names = "--runner-image",
      defaultValue = "${env:SCHEMAGATE_RUNNER_IMAGE:-schemagate:latest}",
      description =
          "Image the Jobs of flyway migrations run (this image, with `migrate`). Default:"
              + " ${DEFAULT-VALUE}.")
  String runnerImage;

  @Option(
      names = "--health-port",
      defaultValue = "8080",
      description =
          "Port of /healthz, /readyz and /metrics; 0 picks a free port, -1 disables. Default:"
              + " ${DEFAULT-VALUE}.")
  int healthPort;

  @Option(
      names = "--max-reconciliation-interval-seconds",
      defaultValue = "${env:SCHEMAGATE_MAX_RECONCILIATION_INTERVAL_SECONDS:-300}",
      description =
          "Reconcile every SchemaMigration at least this often, events or not: what a lost watch"
              + " event can cost at most. Default: ${DEFAULT-VALUE}.")
  int maxReconciliationIntervalSeconds;

  @Option(
      names = "--leader-election",
      description =
          "Run only while holding the Lease schemagate-leader in $POD_NAMESPACE (for replicas >"
              + " 1).")
  boolean leaderElection;

  private static String requireLeaseNamespace() {
    var namespace = System.getenv("POD_NAMESPACE");
    if (namespace == null || namespace.isBlank()) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new OperatorCommand()),
          "--leader-election needs POD_NAMESPACE (the downward API sets it)");
    }
    return namespace;
  }

  @Override
  public Integer call() throws Exception {
    var client = client();
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // jvm_memory_*, jvm_gc_*, jvm_threads_*, jvm_classes_*, process_cpu_usage, system_cpu_*,
    // process_uptime_*.
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    var operator =
        SchemaGateOperator.start(
            client,
            registry,
            new SchemaGateOperator.Settings(
                namespaces == null ? Set.of() : Set.copyOf(namespaces),
                runnerImage,
                leaderElection ? requireLeaseNamespace() : null,
                Duration.ofSeconds(maxReconciliationIntervalSeconds)));
    var health = healthPort < 0 ? null : HealthServer.start(healthPort, operator, registry);
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // A graceful stop gives the Lease up once reconciling has stopped, so a standby
                  // takes over now rather than when the Lease expires.
                  LeaderLease.releaseOnStop();
                  stopWithin(operator, Duration.ofSeconds(10));
                  if (health != null) {
                    // 0: Java 17's HttpServer.stop waits out its whole delay even when no
                    // exchange is open, and a probe cut short on the way out is no loss.
                    health.stop(0);
                  }
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  /** The operator's client, from the in-cluster config or $KUBECONFIG. */
  static KubernetesClient client() {
    return new KubernetesClientBuilder().withKubernetesSerialization(serialization()).build();
  }

  /**
   * A deserializer that knows the kinds the operator watches, and Status, and no others. A watch
   * event's object is typed KubernetesResource, and fabric8's default resolves it through a map of
   * every model class fabric8 ships, which loads some 690 classes (gateway API, resource.k8s.io,
   * ...) at the first event. An object of another kind still reads: fabric8 converts a generic
   * object to the type watched. Status is the exception: a watch's ERROR event (410 Gone, when the
   * resource version it resumes from has expired) must read as a Status, or the informer retries
   * the expired version for good instead of listing again.
   */
  static KubernetesSerialization serialization() {
    var serialization = new KubernetesSerialization(new ObjectMapper(), false);
    EventSources.WATCHED_KINDS.forEach(serialization::registerKubernetesResource);
    serialization.registerKubernetesResource(Status.class);
    return serialization;
  }

  /**
   * Stops the operator from the shutdown hook without hanging the JVM. With leader election,
   * Operator.stop() stops the controllers, then cancels the election, and JOSDK answers "stopped
   * leading" with System.exit(1) (after {@link LeaderLease} has released the Lease); inside a
   * shutdown hook that call blocks forever, since the JVM is already exiting, and the pod would sit
   * Terminating until the kubelet's SIGKILL. So stop() runs on a thread of its own, and the hook
   * goes on once it has returned or is parked in that exit.
   */
  private static void stopWithin(Operator operator, Duration limit) {
    var stopper = new Thread(operator::stop, "schemagate-stop");
    stopper.setDaemon(true);
    stopper.start();
    var deadline = Instant.now().plus(limit);
    try {
      while (stopper.isAlive() && !inSystemExit(stopper) && Instant.now().isBefore(deadline)) {
        stopper.join(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean inSystemExit(Thread thread) {
    return Arrays.stream(thread.getStackTrace())
        .anyMatch(
            f ->
                f.getClassName().equals("java.lang.Shutdown")
                    || (f.getClassName().equals("java.lang.Runtime")
                        && f.getMethodName().equals("exit")));
  }
}
