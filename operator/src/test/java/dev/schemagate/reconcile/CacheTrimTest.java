package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.Locks;
import dev.schemagate.gate.PodGate;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.LockWatch;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.job.PodProblem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CacheTrimTest {
  private static final String REVISION = "5c1f0a9e2b";
  private static final String STARTED = "2026-12-07T01:00:00Z";

  /** A migration Job as the API server returns it: our template, the Job controller's status. */
  private static Job migrationJob() {
    var migration = Fixtures.flywayMigration();
    var locks = new Locks();
    locks.setTimeout("500ms");
    migration.getSpec().setLocks(locks);
    return new JobBuilder(
            MigrationJob.build(
                migration, REVISION, "basketball-api:1.8", "schemagate:0.1.0", Optional.empty()))
        .editMetadata()
        .withCreationTimestamp(STARTED)
        .withResourceVersion("41")
        .endMetadata()
        .withNewStatus()
        .withStartTime(STARTED)
        .withActive(1)
        .endStatus()
        .build();
  }

  /** Its pod, running, with what the API server's admission and the kubelet add. */
  private static Pod runnerPod() {
    var template = migrationJob().getSpec().getTemplate();
    return new PodBuilder()
        .withNewMetadataLike(template.getMetadata())
        .withName("basketball-api-" + REVISION + "-x7k2p")
        .withNamespace("basketball")
        .withResourceVersion("42")
        .endMetadata()
        .withSpec(template.getSpec())
        .editSpec()
        .addToVolumes(new VolumeBuilder().withName("kube-api-access-x7k2p").build())
        .addToTolerations(
            new TolerationBuilder()
                .withKey("node.kubernetes.io/not-ready")
                .withOperator("Exists")
                .withEffect("NoExecute")
                .withTolerationSeconds(300L)
                .build())
        .withNodeName("local")
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("10.0.0.7")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("migrate")
                .withImage("schemagate:0.1.0")
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt(STARTED)
                .endRunning()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  /** An app's Deployment: far more in its pod template than any decision reads. */
  private static Deployment appDeployment() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("basketball-api")
        .withNamespace("basketball")
        .withUid("d-1")
        .withGeneration(4L)
        .withResourceVersion("9")
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .withNewSelector()
        .addToMatchLabels("app", "basketball-api")
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "basketball-api")
        .endMetadata()
        .withNewSpec()
        .addToContainers(
            new ContainerBuilder()
                .withName("proxy")
                .withImage("envoy:1.33")
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .build(),
            new ContainerBuilder()
                .withName("api")
                .withImage("basketball-api:1.8")
                .addToEnv(
                    new EnvVarBuilder()
                        .withName("DATABASE_URL")
                        .withNewValueFrom()
                        .withNewSecretKeyRef("url", "basketball-db", false)
                        .endValueFrom()
                        .build())
                .addNewVolumeMount()
                .withName("config")
                .withMountPath("/etc/api")
                .endVolumeMount()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/healthz")
                .withPort(new IntOrString(8000))
                .endHttpGet()
                .endReadinessProbe()
                .build())
        .addToVolumes(new VolumeBuilder().withName("config").build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withReplicas(3)
        .withReadyReplicas(3)
        .withUpdatedReplicas(1)
        .addNewCondition()
        .withType("ReplicaFailure")
        .withStatus("True")
        .withLastTransitionTime(STARTED)
        .endCondition()
        .endStatus()
        .build();
  }

  /** Trims a second copy of what {@code made} makes, so that the two can be read side by side. */
  private static <T extends HasMetadata> T trimmed(Supplier<T> made) {
    return CacheTrim.trim(made.get());
  }

  @Test
  void aMigrationJobKeepsNoSpecAndReadsAsItDid() {
    var pods = List.of(runnerPod());
    var job = trimmed(CacheTrimTest::migrationJob);

    assertThat(job.getSpec()).isNull();
    assertThat(job.getMetadata().getLabels()).isEqualTo(migrationJob().getMetadata().getLabels());
    assertThat(MigrationRun.of(job, pods)).isEqualTo(MigrationRun.of(migrationJob(), pods));
    assertThat(RelevantUpdates.job(job, migrationJob())).isFalse();
  }

  @Test
  void aMigrationPodKeepsWhatItsOutcomeAndItsLockWaitAreReadFrom() {
    var pod = trimmed(CacheTrimTest::runnerPod);

    assertThat(pod.getSpec().getVolumes()).isEmpty();
    assertThat(pod.getSpec().getTolerations()).isEmpty();
    // Ready, not PodScheduled: no reason it has no node.
    assertThat(pod.getStatus().getConditions()).isEmpty();
    assertThat(pod.getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getImage()).isEqualTo("schemagate:0.1.0");
              // DATABASE_URL comes from the Secret: not kept; the literal lock timeout is.
              assertThat(c.getEnv()).extracting(e -> e.getName()).contains("LOCK_TIMEOUT");
              assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
              assertThat(c.getVolumeMounts()).isEmpty();
            });
    assertThat(RelevantUpdates.migrationPod(pod, runnerPod())).isFalse();
    // Past its start-up and lock timeout, the pod's log is read for the wait, trimmed or not.
    var now = Instant.parse(STARTED).plusSeconds(11);
    var running = new MigrationRun("j", REVISION, "img", new JobOutcome.Running(Optional.empty()));
    assertThat(
            LockWatch.watch(running, List.of(pod), now, name -> Optional.of("no wait")).outcome())
        .isEqualTo(
            LockWatch.watch(running, List.of(runnerPod()), now, name -> Optional.of("no wait"))
                .outcome())
        .isNotEqualTo(running.outcome());
  }

  /**
   * A command Job's pod that cannot start: what it inherits of the app is dropped, why it waits is
   * kept, and it reads as it did.
   */
  @Test
  void aPodThatCannotStartKeepsWhyAndNoneOfTheAppsEnvironment() {
    Supplier<Pod> made =
        () ->
            new PodBuilder()
                .withNewMetadata()
                .withName("basketball-api-" + REVISION + "-q9z")
                .addToLabels(MigrationJob.labels("basketball-api", REVISION))
                .endMetadata()
                .withSpec(
                    MigrationJob.build(
                            Fixtures.commandMigration(),
                            REVISION,
                            "basketball-api:1.8",
                            "schemagate:0.1.0",
                            Optional.of(appDeployment().getSpec().getTemplate()))
                        .getSpec()
                        .getTemplate()
                        .getSpec())
                .editSpec()
                .editFirstContainer()
                .addNewEnv()
                .withName("LOG_LEVEL")
                .withValue("info")
                .endEnv()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("True")
                .endCondition()
                .addNewCondition()
                .withType("Ready")
                .withStatus("False")
                .withReason("ContainersNotReady")
                .endCondition()
                .addNewInitContainerStatus()
                .withName("cloud-sql-proxy")
                .withNewState()
                .withNewRunning()
                .withStartedAt(STARTED)
                .endRunning()
                .endState()
                .endInitContainerStatus()
                .addNewContainerStatus()
                .withName("migrate")
                .withImage("basketball-api:1.8")
                .withNewState()
                .withNewWaiting()
                .withReason("CreateContainerConfigError")
                .withMessage("secret \"nosuch\" not found")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    var pod = trimmed(made);

    assertThat(pod.getSpec().getContainers()).allSatisfy(c -> assertThat(c.getEnv()).isEmpty());
    assertThat(pod.getStatus().getConditions())
        .extracting(c -> c.getType())
        .containsExactly("PodScheduled");
    assertThat(pod.getStatus().getInitContainerStatuses()).hasSize(1);
    assertThat(MigrationRun.of(migrationJob(), List.of(pod)))
        .isEqualTo(MigrationRun.of(migrationJob(), List.of(made.get())));
    assertThat(
            ((JobOutcome.Running) MigrationRun.of(migrationJob(), List.of(pod)).outcome())
                .problem())
        .map(PodProblem::cause)
        .contains("secret \"nosuch\" not found");
    assertThat(RelevantUpdates.migrationPod(pod, made.get())).isFalse();
  }

  @Test
  void aHeldPodKeepsItsAppImageAndNoEnvironment() {
    Supplier<Pod> made =
        () ->
            new PodBuilder()
                .withNewMetadata()
                .withName("basketball-api-7d9f-x2")
                .withCreationTimestamp(STARTED)
                .addToLabels(PodGate.HELD_BY, "basketball-api")
                .endMetadata()
                .withSpec(appDeployment().getSpec().getTemplate().getSpec())
                .editSpec()
                .editLastContainer()
                .addNewEnv()
                .withName("LOG_LEVEL")
                .withValue("info")
                .endEnv()
                .endContainer()
                .addNewSchedulingGate(PodGate.GATE)
                .endSpec()
                .build();
    var pod = trimmed(made);

    assertThat(pod.getSpec().getContainers()).allSatisfy(c -> assertThat(c.getEnv()).isEmpty());
    assertThat(pod.getSpec().getSchedulingGates())
        .extracting(g -> g.getName())
        .containsExactly(PodGate.GATE);
    assertThat(TargetDeployment.appImage(pod.getSpec().getContainers(), "api"))
        .isEqualTo(TargetDeployment.appImage(made.get().getSpec().getContainers(), "api"))
        .contains("basketball-api:1.8");
    assertThat(pod.getMetadata().getCreationTimestamp()).isEqualTo(STARTED);
  }

  @Test
  void aDeploymentKeepsItsContainersNamesAndImagesAndReadsAsItDid() {
    var deployment = trimmed(CacheTrimTest::appDeployment);

    var template = deployment.getSpec().getTemplate();
    assertThat(template.getMetadata()).isNull();
    assertThat(template.getSpec().getVolumes()).isEmpty();
    assertThat(template.getSpec().getContainers())
        .extracting(c -> c.getName() + "=" + c.getImage())
        .containsExactly("proxy=envoy:1.33", "api=basketball-api:1.8");
    assertThat(template.getSpec().getContainers())
        .allSatisfy(c -> assertThat(c.getEnv()).isEmpty());
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsEntry("app", "basketball-api");
    for (var container : new String[] {"api", "proxy", null}) {
      assertThat(TargetDeployment.of(deployment, container))
          .isEqualTo(TargetDeployment.of(appDeployment(), container));
    }
    assertThat(RelevantUpdates.deployment(deployment, appDeployment())).isFalse();
  }

  @Test
  void dropsManagedFieldsAndLastAppliedButKeepsWhatDecisionsRead() {
    var deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("app")
            .withNamespace("ns")
            .withResourceVersion("7")
            .withManagedFields(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubectl")
                    .withOperation("Apply")
                    .build())
            .addToAnnotations(CacheTrim.LAST_APPLIED, "{\"big\":\"copy\"}")
            .addToAnnotations("deployment.kubernetes.io/revision", "3")
            .addToLabels("app", "x")
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .endSpec()
            .build();

    var trimmed = CacheTrim.trim(deployment);

    assertThat(trimmed.getMetadata().getManagedFields()).isNull();
    assertThat(trimmed.getMetadata().getAnnotations())
        .containsOnlyKeys("deployment.kubernetes.io/revision");
    assertThat(trimmed.getMetadata().getLabels()).containsEntry("app", "x");
    assertThat(trimmed.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(trimmed.getSpec().getReplicas()).isEqualTo(2);
  }

  /**
   * Empty, not null, as the API server's object reads: java-operator-sdk reads the annotations of
   * every event without a null check, and a null dropped the event.
   */
  @Test
  void leavesEmptyAnnotationsWhereKubectlsWasTheOnlyOne() {
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("migrations")
            .addToAnnotations(CacheTrim.LAST_APPLIED, "{}")
            .endMetadata()
            .addToData("V1__a.sql", "create table a (id int);")
            .build();

    var trimmed = CacheTrim.trim(configMap);

    assertThat(trimmed.getMetadata().getAnnotations()).isNotNull().isEmpty();
    assertThat(trimmed.getData()).containsKey("V1__a.sql");
  }

  @Test
  void aConfigMapKeepsItsScriptsAndItsRevision() {
    Supplier<ConfigMap> made =
        () ->
            new ConfigMapBuilder(
                    Fixtures.migrations(
                        Map.of(
                            "V1__a.sql", "create table a (id int);",
                            "README.md", "how to add a migration",
                            "dashboard.json", "{\"panels\":[]}")))
                .addToBinaryData("V2__b.sql", "Y3JlYXRlIHRhYmxlIGIgKGlkIGludCk7")
                .addToBinaryData("logo.png", "iVBORw0KGgo=")
                .build();
    var configMap = trimmed(made);

    assertThat(configMap.getData()).containsOnlyKeys("V1__a.sql");
    assertThat(configMap.getBinaryData()).containsOnlyKeys("V2__b.sql");
    var migration = Fixtures.flywayMigration();
    var target = List.of(TargetWorkload.of(Fixtures.target("basketball-api:1.8", 3, 3)));
    assertThat(MigrationSource.resolve(migration, configMap, target))
        .isEqualTo(MigrationSource.resolve(migration, made.get(), target));
  }

  @Test
  void aConfigMapOfNoScriptsKeepsNoData() {
    var configMap =
        trimmed(
            () ->
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("kube-root-ca.crt")
                    .endMetadata()
                    .addToData("ca.crt", "-----BEGIN CERTIFICATE-----")
                    .build());

    assertThat(configMap.getData()).isNull();
    assertThat(configMap.getBinaryData()).isNull();
  }

  @Test
  void theStoreKeepsTrimmedObjects() {
    var store = CacheTrim.<ConfigMap>store();
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("m")
            .withNamespace("ns")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("helm").build())
            .endMetadata()
            .build();

    store.put(store.getKey(configMap), configMap);

    assertThat(store.get(store.getKey(configMap)).getMetadata().getManagedFields()).isNull();
  }

  @Test
  void onlyAnInformerOfItsOwnGetsATrimmingStore() {
    assertThat(CacheTrim.<ConfigMap>storeFor(Set.of("JOSDK_ALL_NAMESPACES"))).isNotNull();
    assertThat(CacheTrim.<ConfigMap>storeFor(Set.of("team-a"))).isNotNull();
    assertThat(CacheTrim.<ConfigMap>storeFor(Set.of("team-a", "team-b"))).isNull();
  }
}
