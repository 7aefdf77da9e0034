package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.CommandSource;
import dev.schemagate.api.JobSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.NoPodsQuota;
import dev.schemagate.testenv.node.ImageMap;
import dev.schemagate.testenv.node.LocalNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migration pod is the app's pod with the command replaced: an app whose settings come from a
 * ConfigMap and a Secret, with its own service account, pull secret, node selection, toleration and
 * a database proxy as a native sidecar. The operator derives the Job from the Deployment; the API
 * server and the Job controller accept it as they would the app's pod.
 */
@ExtendWith(Scenario.PerTest.class)
class MigrationPodIT {
  static final String SETTINGS = "basketball-settings";
  static final String SECRETS = "basketball-secrets";
  static final String ACCOUNT = "basketball-api";

  static PodSpec appPod() {
    return new PodSpecBuilder()
        .withServiceAccountName(ACCOUNT)
        .addNewImagePullSecret("registry-creds")
        .withNodeSelector(Map.of("kubernetes.io/arch", "arm64"))
        .addNewToleration()
        .withKey("dedicated")
        .withOperator("Equal")
        .withValue("basketball")
        .withEffect("NoSchedule")
        .endToleration()
        .withInitContainers(
            new ContainerBuilder()
                .withName("cloud-sql-proxy")
                .withImage("cloud-sql-proxy:2")
                .withRestartPolicy("Always")
                .withArgs("--port=5432", "project:region:db")
                .build())
        .withContainers(
            new ContainerBuilder()
                .withName("app")
                .withImage(Scenario.APP_IMAGE)
                .withCommand("gunicorn", "basketball.wsgi")
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName(SETTINGS)
                .endConfigMapRef()
                .endEnvFrom()
                .addToEnv(
                    new EnvVarBuilder()
                        .withName("SECRET_KEY")
                        .withNewValueFrom()
                        .withNewSecretKeyRef("SECRET_KEY", SECRETS, false)
                        .endValueFrom()
                        .build(),
                    new EnvVar("DATABASE_URL", "postgresql://app@127.0.0.1:5432/basketball", null))
                .addNewPort()
                .withContainerPort(8000)
                .endPort()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/ready")
                .withNewPort(8000)
                .endHttpGet()
                .endReadinessProbe()
                .addNewVolumeMount()
                .withName("certs")
                .withMountPath("/etc/basketball/certs")
                .endVolumeMount()
                .build(),
            new ContainerBuilder().withName("worker").withImage(Scenario.APP_IMAGE).build())
        .addNewVolume()
        .withName("certs")
        .withNewSecret()
        .withSecretName(SECRETS)
        .endSecret()
        .endVolume()
        .build();
  }

  static SchemaMigration alembic(String namespace) {
    var migration = Scenario.migrationFor(namespace);
    var command = new CommandSource();
    command.setCommand(List.of("alembic"));
    command.setArgs(List.of("upgrade", "head"));
    migration.getSpec().setFlyway(null);
    migration.getSpec().setCommand(command);
    return migration;
  }

  void appWithItsSettings(Scenario s) {
    s.client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(SETTINGS)
                .withNamespace(s.namespace)
                .endMetadata()
                .withData(Map.of("DJANGO_SETTINGS_MODULE", "basketball.settings"))
                .build())
        .create();
    s.client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(SECRETS)
                .withNamespace(s.namespace)
                .endMetadata()
                .withStringData(Map.of("SECRET_KEY", "not-so-secret"))
                .build())
        .create();
    s.client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(ACCOUNT)
                .withNamespace(s.namespace)
                .endMetadata()
                .build())
        .create();
    s.client.resource(AppDeployment.of(s.namespace, Scenario.APP, 1, appPod())).create();
  }

  @Test
  void theMigrationPodIsTheAppsWithTheCommandReplaced(Scenario s) {
    appWithItsSettings(s);
    s.createMigration(alembic(s.namespace));
    s.startOperator();

    var job = s.awaitOnlyJob();
    // As the Job controller made it, through the API server's validation and admission.
    var pod = s.awaitPod(job).getSpec();

    assertThat(pod.getServiceAccountName()).isEqualTo(ACCOUNT);
    assertThat(pod.getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("registry-creds");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/arch", "arm64");
    assertThat(pod.getTolerations()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getInitContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("cloud-sql-proxy");
              assertThat(c.getRestartPolicy()).isEqualTo("Always");
            });
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("migrate");
    var migrate = pod.getContainers().get(0);
    assertThat(migrate.getImage()).isEqualTo(Scenario.APP_IMAGE);
    assertThat(migrate.getCommand()).containsExactly("alembic");
    assertThat(migrate.getArgs()).containsExactly("upgrade", "head");
    assertThat(migrate.getPorts()).isEmpty();
    assertThat(migrate.getReadinessProbe()).isNull();
    assertThat(migrate.getEnvFrom())
        .singleElement()
        .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo(SETTINGS));
    assertThat(migrate.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly("SECRET_KEY", "DATABASE_URL", "PGOPTIONS");
    var url = migrate.getEnv().get(1);
    assertThat(url.getValue()).isNull();
    assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo(Scenario.DB_SECRET);
    assertThat(migrate.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .containsExactlyInAnyOrder("/etc/basketball/certs", "/tmp");
    assertThat(pod.getVolumes()).extracting(Volume::getName).contains("certs", "schemagate-tmp");

    // No node here is arm64 (there is none at all): the scheduler says so, and so does the status.
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> s.condition("Reconciling").map(c -> c.getMessage()).orElse(""),
            m -> m.contains(": Unschedulable: "));
    assertThat(s.migration().getStatus().getLastPodProblem().getReason())
        .isEqualTo("Unschedulable");
  }

  /**
   * On the local node, which resolves env as the kubelet does: the app's SECRET_KEY comes from a
   * Secret that does not exist. The Reconciling message names it within seconds of the node, and
   * once the Job's deadline has passed the Stalled message still does, the pod long gone.
   */
  @Test
  void aMissingSecretIsNamedAndOutlivesThePod(Scenario s) {
    var app =
        new PodSpecBuilder()
            .withContainers(
                new ContainerBuilder()
                    .withName("app")
                    .withImage(Scenario.APP_IMAGE)
                    .addToEnv(
                        new EnvVarBuilder()
                            .withName("SECRET_KEY")
                            .withNewValueFrom()
                            .withNewSecretKeyRef("SECRET_KEY", "nosuch", false)
                            .endValueFrom()
                            .build())
                    .build())
            .build();
    s.client.resource(AppDeployment.of(s.namespace, Scenario.APP, 1, app)).create();
    s.client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(Scenario.DB_SECRET)
                .withNamespace(s.namespace)
                .endMetadata()
                .withStringData(Map.of(Scenario.DB_KEY, "postgresql://app@127.0.0.1/basketball"))
                .build())
        .create();
    var migration = alembic(s.namespace);
    var limits = new JobSettings();
    limits.setActiveDeadlineSeconds(20L);
    migration.getSpec().setJob(limits);
    s.createMigration(migration);
    try (var node =
        LocalNode.builder(s.client)
            .name("node-" + s.namespace)
            .namespaces(s.namespace)
            .dir(Cluster.plane().dir().resolve("nodes").resolve(s.namespace))
            .backOff(Duration.ofMillis(500))
            .image(Scenario.APP_IMAGE, ImageMap.Image.entrypoint("sh", "-c"))
            .start()) {
      s.startOperator();
      var job = s.awaitOnlyJob();
      var pod = s.awaitPod(job).getMetadata().getName();

      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> s.condition("Reconciling").map(c -> c.getMessage()).orElse(""),
              m ->
                  m.endsWith(
                      "; pod %s: CreateContainerConfigError: secret \"nosuch\" not found"
                          .formatted(pod)));

      var stalled =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> s.condition("Stalled"),
                  c -> c.filter(x -> "True".equals(x.getStatus())).isPresent())
              .orElseThrow();
      assertThat(stalled.getReason()).isEqualTo("MigrationFailed");
      assertThat(stalled.getMessage())
          .contains(
              "Job \"%s\" failed (DeadlineExceeded after 20 s; the pod never started: secret"
                      .formatted(job.getMetadata().getName())
                  + " \"nosuch\" not found (CreateContainerConfigError))");
    }
  }

  /**
   * A namespace quota of no pods: the Job controller cannot create the migration pod and says so
   * only in an Event on the Job. The Reconciling message names it within seconds of the Job, and
   * since a quota changes only when someone changes it, the migration is Stalled after the window
   * (long before the Job's deadline), saying why.
   */
  @Test
  void aJobThatCannotCreateItsPodIsNamedAndStalls(Scenario s) {
    NoPodsQuota.create(s.client, s.namespace);
    s.createDeployment();
    s.createMigration(alembic(s.namespace));
    s.startOperator();

    var job = s.awaitOnlyJob();
    var created = Instant.parse(job.getMetadata().getCreationTimestamp());
    await()
        .atMost(Duration.ofSeconds(15).minus(Duration.between(created, Instant.now())))
        .until(
            () -> s.condition("Reconciling").map(c -> c.getMessage()).orElse(""),
            m ->
                m.contains("; cannot create its pod: FailedCreate: Error creating: pods \"")
                    && m.contains("is forbidden: exceeded quota: no-pods"));
    var problem = s.migration().getStatus().getLastPodProblem();
    assertThat(problem.getReason()).isEqualTo("FailedCreate");
    assertThat(problem.getJob()).isEqualTo(job.getMetadata().getName());

    var stalled =
        await()
            .atMost(Duration.ofSeconds(60).plus(Scenario.TIMEOUT))
            .until(
                () -> s.condition("Stalled"),
                c -> c.filter(x -> "True".equals(x.getStatus())).isPresent())
            .orElseThrow();
    assertThat(stalled.getReason()).isEqualTo("PodCannotStart");
    assertThat(stalled.getMessage())
        .contains(
            "Job \"%s\" cannot create its pod: Error creating: pods \""
                .formatted(job.getMetadata().getName()))
        .contains("exceeded quota: no-pods")
        .contains("(FailedCreate for 60 s)");
  }
}
