package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.SchemaGateOperator;
import dev.schemagate.api.CommandSource;
import dev.schemagate.api.JobSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.ControlPlane;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The seed's story on a real k3s (kubelet, scheduler, containerd): runs where a Docker engine
 * exists and is reported as skipped where none does. PostgreSQL runs in the cluster; the migration
 * is the `command` source with psql from the stock postgres image (any tool in any image), fed the
 * example's SQL; the app is a postgres-image container that exits when the teams table is missing.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sSeedStoryIT {
  static final String NS = "basketball";
  static final String POSTGRES = "postgres:16-alpine";
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Container
  static final K3sContainer K3S =
      new K3sContainer(DockerImageName.parse("rancher/k3s:v1.34.4-k3s1"));

  @Test
  void brokenMigrationHoldsTheAppAndTheFixReleasesIt() throws Exception {
    try (var client = client();
        var operatorClient = client()) {
      ControlPlane.installSchemaGate(client);
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      startPostgres(client);
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("basketball-db")
                  .withNamespace(NS)
                  .endMetadata()
                  .withStringData(
                      Map.of("url", "postgresql://postgres:basketball@postgres:5432/basketball"))
                  .build())
          .create();
      var operator =
          SchemaGateOperator.start(
              operatorClient,
              new SimpleMeterRegistry(),
              new SchemaGateOperator.Settings(
                  Set.of(NS), "unused: command migrations run their own image", null));
      var appPods = new AtomicInteger();
      try (var watch =
          client
              .pods()
              .inNamespace(NS)
              .withLabel("app.kubernetes.io/name", "basketball-api")
              .watch(
                  new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                      if (action == Action.ADDED) {
                        appPods.incrementAndGet();
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        // The database at 007, then release 1.8.0 with the broken 008, then 1.8.1 with the fix.
        var broken = BasketballExample.brokenV8().get(BasketballExample.V8);
        var fixed =
            read(BasketballExample.dir().resolve("migrations").resolve(BasketballExample.V8));
        client.resource(migration(upToV7())).create();
        await().atMost(TIMEOUT).until(() -> isTrue(client, "Ready"));
        // Release 1.8.0 applies the new migration and the app that needs it together.
        client
            .resources(SchemaMigration.class)
            .inNamespace(NS)
            .withName("basketball-api")
            .edit(m -> withScripts(m, broken));
        client.resource(app()).create();
        await().atMost(TIMEOUT).until(() -> isTrue(client, "Stalled"));
        assertThat(condition(client, "Stalled").getMessage())
            .contains("type \"division\" already exists");
        assertThat(
                client
                    .apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("basketball-api")
                    .get()
                    .getSpec()
                    .getReplicas())
            .isZero();
        assertThat(appPods).as("app pods created while a migration was pending").hasValue(0);

        // Release 1.8.1: the fixed 008.
        client
            .resources(SchemaMigration.class)
            .inNamespace(NS)
            .withName("basketball-api")
            .edit(m -> withScripts(m, fixed));
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    isTrue(client, "Ready")
                        && Integer.valueOf(3)
                            .equals(
                                client
                                    .apps()
                                    .deployments()
                                    .inNamespace(NS)
                                    .withName("basketball-api")
                                    .get()
                                    .getStatus()
                                    .getReadyReplicas()));
        assertThat(appPods).hasValue(3);
      } finally {
        operator.stop();
      }
    }
  }

  static KubernetesClient client() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml()))
        .build();
  }

  static void startPostgres(KubernetesClient client) {
    var labels = Map.of("app", "postgres");
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("postgres")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("postgres")
                .withImage(POSTGRES)
                .addNewEnv()
                .withName("POSTGRES_PASSWORD")
                .withValue("basketball")
                .endEnv()
                .addNewEnv()
                .withName("POSTGRES_DB")
                .withValue("basketball")
                .endEnv()
                .addNewPort()
                .withContainerPort(5432)
                .endPort()
                .withNewReadinessProbe()
                .withNewExec()
                .withCommand("pg_isready", "-U", "postgres")
                .endExec()
                .endReadinessProbe()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("postgres")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withSelector(labels)
                .addNewPort()
                .withPort(5432)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("postgres")
        .waitUntilCondition(
            d ->
                d.getStatus() != null
                    && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()),
            TIMEOUT.toMinutes(),
            TimeUnit.MINUTES);
  }

  /** The example's V1..V7: the database as the issue found it. */
  static String upToV7() throws Exception {
    try (var files = Files.list(BasketballExample.dir().resolve("migrations"))) {
      return files
          .sorted()
          .filter(f -> !f.getFileName().toString().startsWith("V8__"))
          .map(K3sSeedStoryIT::read)
          .collect(Collectors.joining("\n"));
    }
  }

  static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SchemaMigration migration(String script) {
    var m = BasketballExample.migration(NS, "basketball-api", "unused", 3);
    m.getSpec().setFlyway(null);
    var job = new JobSettings();
    job.setBackoffLimit(0);
    m.getSpec().setJob(job);
    return withScripts(m, script);
  }

  /**
   * psql in the postgres image is the migration tool; the script is its input, so a new script is a
   * new revision.
   */
  static SchemaMigration withScripts(SchemaMigration m, String script) {
    var command = new CommandSource();
    command.setImage(POSTGRES);
    command.setCommand(List.of("psql"));
    // Kubernetes expands $(VAR) in args and reads $$ as $: escape the SQL's own dollars (DO $$ ...
    // $$).
    command.setArgs(
        List.of(
            "$(DATABASE_URL)",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-c",
            script.replace("$", "$$")));
    m.getSpec().setCommand(command);
    return m;
  }

  /**
   * The app: exits non-zero without the teams table (as basketball-api would), else stays up and
   * Ready.
   */
  static Deployment app() {
    var labels = Map.of("app.kubernetes.io/name", "basketball-api");
    var check = "psql \"$DATABASE_URL\" -tAc 'select 1 from teams limit 1' >/dev/null";
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("basketball-api")
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("api")
        .withImage(POSTGRES)
        .withCommand("sh", "-c", check + " && exec sleep infinity")
        .addNewEnv()
        .withName("DATABASE_URL")
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName("basketball-db")
        .withKey("url")
        .endSecretKeyRef()
        .endValueFrom()
        .endEnv()
        .withNewReadinessProbe()
        .withNewExec()
        .withCommand("sh", "-c", check)
        .endExec()
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static Condition condition(KubernetesClient client, String type) {
    var m =
        client.resources(SchemaMigration.class).inNamespace(NS).withName("basketball-api").get();
    return m == null || m.getStatus() == null
        ? null
        : m.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  static boolean isTrue(KubernetesClient client, String type) {
    var c = condition(client, type);
    return c != null && "True".equals(c.getStatus());
  }
}
