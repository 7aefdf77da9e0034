package dev.schemagate;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
      description = "Image the Jobs of flyway migrations run (this image, with `migrate`). Default: ${DEFAULT-VALUE}.")
  String runnerImage;

  @Option(
      names = "--health-port",
      defaultValue = "8080",
      description = "Port of /healthz, /readyz and /metrics; 0 picks a free port, -1 disables. Default: ${DEFAULT-VALUE}.")
  int healthPort;

  @Option(
      names = "--leader-election",
      description = "Run only while holding the Lease schemagate-leader in $POD_NAMESPACE (for replicas > 1).")
  boolean leaderElection;

  private static String requireLeaseNamespace() {
    var namespace = System.getenv("POD_NAMESPACE");
    if (namespace == null || namespace.isBlank()) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new OperatorCommand()), "--leader-election needs POD_NAMESPACE (the downward API sets it)");
    }
    return namespace;
  }

  @Override
  public Integer call() throws Exception {
    var client = new KubernetesClientBuilder().build();
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var operator =
        SchemaGateOperator.start(
            client,
            registry,
            new SchemaGateOperator.Settings(
                namespaces == null ? Set.of() : Set.copyOf(namespaces),
                runnerImage,
                leaderElection ? requireLeaseNamespace() : null));
    var health = healthPort < 0 ? null : HealthServer.start(healthPort, operator, registry);
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  if (health != null) {
                    health.stop(1);
                  }
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

}
