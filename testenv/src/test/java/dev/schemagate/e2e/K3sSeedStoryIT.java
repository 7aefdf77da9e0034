package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.SchemaGateOperator;
import dev.schemagate.api.CommandSource;
import dev.schemagate.api.JobSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.ControlPlane;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The basketball-api story on a real k3s (kubelet, scheduler, containerd): runs where a Docker
 * engine exists and is reported as skipped where none does. PostgreSQL runs in the cluster; the
 * migration is the `command` source with psql, fed the example's SQL, in the app's own image (a
 * command without image runs in the target container's image); the app is a postgres-image
 * container that exits when the table its version needs is missing.
 *
 * <p>k3s before Kubernetes 1.36 serves no MutatingAdmissionPolicy: there the gate is the
 * ValidatingAdmissionPolicy, which refuses the held image's pods; on a newer k3s they are created
 * scheduling-gated. Either way no pod of the held image runs while the old version keeps serving.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sSeedStoryIT {
  static final String NS = "basketball";
  static final String APP = "basketball-api";
  static final String POSTGRES = "postgres:16-alpine";

  /**
   * The app's two versions: the same image under two names, so that k3s pulls nothing more while
   * SchemaGate, which tells versions apart by the image reference, sees a new version.
   */
  static final String V17 = POSTGRES;

  static final String V18 = "docker.io/library/postgres:16-alpine";

  static final int REPLICAS = 3;
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Container
  static final K3sContainer K3S =
      new K3sContainer(DockerImageName.parse("rancher/k3s:v1.34.4-k3s1"));

  @Test
  void brokenMigrationHoldsTheNewVersionAndTheFixReleasesIt() throws Exception {
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
      // Pods of 1.8 that a kubelet was given to run.
      var startedV18 = ConcurrentHashMap.<String>newKeySet();
      try (var watch =
          client
              .pods()
              .inNamespace(NS)
              .withLabel("app.kubernetes.io/name", APP)
              .watch(
                  new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                      if (pod.getSpec().getNodeName() != null
                          && V18.equals(pod.getSpec().getContainers().get(0).getImage())) {
                        startedV18.add(pod.getMetadata().getUid());
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        var broken = BasketballExample.brokenV8();
        var fixed =
            read(BasketballExample.dir().resolve("migrations").resolve(BasketballExample.V8));

        // Release 1.7: the database at 007, as the issue found it, and the app that needs it.
        client.resource(migration(upToV7())).create();
        client.resource(app(V17, "tenants")).create();
        await()
            .atMost(TIMEOUT)
            .until(() -> isTrue(client, "Ready") && readyPods(client, V17) == REPLICAS);
        assertThat(migration(client).getStatus().getHoldMechanism())
            .isEqualTo(HoldMechanism.of(client).name());

        // Release 1.8.0: its migration (the broken 008) and its image, applied together.
        client
            .resources(SchemaMigration.class)
            .inNamespace(NS)
            .withName(APP)
            .edit(m -> withScripts(m, broken));
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName(APP)
            .edit(d -> version(d, V18, "teams"));
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    isTrue(client, "Stalled")
                        && V18.equals(migration(client).getStatus().getImage())
                        && condition(client, "Stalled").getMessage().contains("Job \"" + APP));
        assertThat(condition(client, "Stalled").getMessage())
            .contains("type \"division\" already exists");
        // 1.7 keeps serving (maxUnavailable 0), and no pod of 1.8 ever ran.
        assertThat(readyPods(client, V17)).isEqualTo(REPLICAS);
        assertThat(startedV18).as("pods of 1.8 started while its migration failed").isEmpty();

        // Release 1.8.1: the fixed 008, same image. The held image's pods start and roll out.
        client
            .resources(SchemaMigration.class)
            .inNamespace(NS)
            .withName(APP)
            .edit(m -> withScripts(m, fixed));
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    isTrue(client, "Ready")
                        && readyPods(client, V18) == REPLICAS
                        && readyPods(client, V17) == 0);
        assertThat(startedV18).hasSize(REPLICAS);
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
    var m = BasketballExample.migration(NS, APP, "unused");
    m.getSpec().setFlyway(null);
    var job = new JobSettings();
    job.setBackoffLimit(0);
    m.getSpec().setJob(job);
    return withScripts(m, script);
  }

  /**
   * psql of the app's (postgres) image is the migration tool; the script is its input, so a new
   * script is a new revision.
   */
  static SchemaMigration withScripts(SchemaMigration m, String script) {
    var command = new CommandSource();
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
   * The app at a version: exits non-zero without the table that version needs (as basketball-api
   * would), else stays up and Ready. Zero-downtime rollout: maxUnavailable 0.
   */
  static Deployment app(String image, String table) {
    var deployment =
        AppDeployment.of(
            NS,
            APP,
            REPLICAS,
            new ContainerBuilder()
                .withName("api")
                .addNewEnv()
                .withName("DATABASE_URL")
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName("basketball-db")
                .withKey("url")
                .endSecretKeyRef()
                .endValueFrom()
                .endEnv()
                .build());
    return version(deployment, image, table);
  }

  /** A new version of the app, as a release changes it: its image and what it needs. */
  static Deployment version(Deployment deployment, String image, String table) {
    var check = "psql \"$DATABASE_URL\" -tAc 'select 1 from " + table + " limit 1' >/dev/null";
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    container.setImage(image);
    container.setCommand(List.of("sh", "-c", check + " && exec sleep infinity"));
    container.setReadinessProbe(
        new ProbeBuilder().withNewExec().withCommand("sh", "-c", check).endExec().build());
    return deployment;
  }

  /** Ready pods of the app with this image. */
  static long readyPods(KubernetesClient client, String image) {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/name", APP)
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                p.getMetadata().getDeletionTimestamp() == null
                    && image.equals(p.getSpec().getContainers().get(0).getImage())
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .count();
  }

  static SchemaMigration migration(KubernetesClient client) {
    return client.resources(SchemaMigration.class).inNamespace(NS).withName(APP).get();
  }

  static Condition condition(KubernetesClient client, String type) {
    var m = migration(client);
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
