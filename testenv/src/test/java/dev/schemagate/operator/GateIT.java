package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP_IMAGE;
import static dev.schemagate.operator.Scenario.APP_REPLICAS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Strategy;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.job.MigrationJob;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gate with scheduling gates (MutatingAdmissionPolicy served), against a real kube-apiserver,
 * kube-controller-manager and kube-scheduler. No kubelet: the test plays it for migration pods.
 */
@ExtendWith(Scenario.PerTest.class)
class GateIT {
  static final String V18 = "basketball-api:1.8";
  static final String V181 = "basketball-api:1.8.1";

  /**
   * First install: the Deployment's pods are gated until its image's migration succeeds. The
   * SchemaMigration comes first: the policies hold only images of SchemaMigrations that exist.
   */
  static void install(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    var migration = Scenario.migrationFor(s.namespace);
    var noRetries = new JobSettings();
    noRetries.setBackoffLimit(0);
    migration.getSpec().setJob(noRetries);
    s.createMigration(migration);
    s.createDeployment();
    var held = s.awaitHeld(APP_IMAGE, APP_REPLICAS);
    assertThat(held).allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNull());
    var job = s.awaitJobFor(APP_IMAGE);
    assertThat(job.getMetadata().getName())
        .isEqualTo(MigrationJob.name(Scenario.APP, s.expectedRevision(Scenario.V1)));
    var running = s.awaitTrue("Reconciling", "MigrationRunning");
    assertThat(running.getMessage()).startsWith("no pods serving; " + APP_IMAGE + " held");
    s.succeed(job);
    s.awaitReleased(APP_IMAGE, APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
  }

  @Test
  void holdsTheFirstImageUntilItsJobSucceedsThenReleasesItsPods(Scenario s) {
    install(s);

    var status = s.migration().getStatus();
    assertThat(status.getMigrated())
        .containsExactly(new MigratedImage(APP_IMAGE, status.getRevision()));
    assertThat(status.getHoldMechanism()).isEqualTo(HoldMechanism.SchedulingGate.name());
    assertThat(status.getHeldPods()).isNull();
    // The release that follows the migration is told by its one Event.
    assertThat(s.events("Migrated"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("; released "));
    assertThat(s.events("Released")).isEmpty();
  }

  @Test
  void anUpgradeHoldsOnlyTheNewImageAFailureKeepsItHeldAndAFixRollsOut(Scenario s) {
    install(s);
    var old = s.appPods(APP_IMAGE);

    s.setImage(V18);
    // maxSurge 1, maxUnavailable 0: one pod of the new image, held; both old pods stay.
    s.awaitHeld(V18, 1);
    var job = s.awaitJobFor(V18);
    s.fail(job, Scenario.V8_FAILURE);

    var stalled = s.awaitTrue("Stalled", "MigrationFailed");
    assertThat(stalled.getMessage())
        .startsWith(
            "no pods serving; %s held (1 pods gated): Job \"%s\" failed"
                .formatted(V18, job.getMetadata().getName()))
        .contains(Scenario.V8_FAILURE);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> s.appPods(V18).size() == 1 && s.appPods(V18).stream().allMatch(Scenario::gated));
    assertThat(s.appPods(APP_IMAGE))
        .extracting(p -> p.getMetadata().getUid())
        .containsExactlyInAnyOrderElementsOf(
            old.stream().map(p -> p.getMetadata().getUid()).toList());

    s.setImage(V181);
    s.succeed(s.awaitJobFor(V181));
    s.awaitReleased(V181, 1);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.migration().getStatus().getMigrated())
        .extracting(MigratedImage::getImage)
        .containsExactly(V181, APP_IMAGE);
    assertThat(s.jobs()).hasSize(3);
  }

  @Test
  void revertingTheImageEndsTheHoldAtOnceAndRunsNothing(Scenario s) {
    install(s);
    s.setImage(V18);
    s.awaitHeld(V18, 1);
    s.fail(s.awaitJobFor(V18), Scenario.V8_FAILURE);
    s.awaitTrue("Stalled", "MigrationFailed");

    s.kubectl(null, "rollout", "undo", "deployment/" + Scenario.APP);

    s.awaitTrue("Ready", "Migrated");
    // Without a kubelet the old pods never become available, so the Deployment controller keeps
    // the 1.8 pod (its scale-down waits for availability); it stays held, and nothing runs.
    assertThat(s.appPods(APP_IMAGE)).hasSize(APP_REPLICAS).noneMatch(Scenario::gated);
    assertThat(s.appPods(V18)).allMatch(Scenario::gated);
    assertThat(s.jobs()).hasSize(2);
    assertThat(s.migration().getStatus().getImage()).isEqualTo(APP_IMAGE);
  }

  @Test
  void anOldPodDeletedDuringAHoldIsReplacedUngated(Scenario s) {
    install(s);
    s.setImage(V18);
    s.awaitHeld(V18, 1);
    var victim = s.appPods(APP_IMAGE).get(0);

    s.client.pods().inNamespace(s.namespace).resource(victim).withGracePeriod(0).delete();

    await()
        .atMost(Scenario.TIMEOUT)
        .until(
            () ->
                s.appPods(APP_IMAGE).size() == APP_REPLICAS
                    && s.appPods(APP_IMAGE).stream()
                        .noneMatch(
                            p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid())));
    assertThat(s.appPods(APP_IMAGE)).noneMatch(Scenario::gated);
    assertThat(s.appPods(V18)).hasSize(1).allMatch(Scenario::gated);
  }

  @Test
  void deletingTheSchemaMigrationReleasesItsHeldPods(Scenario s) {
    install(s);
    s.setImage(V18);
    s.awaitHeld(V18, 1);

    s.client
        .resources(SchemaMigration.class)
        .inNamespace(s.namespace)
        .withName(Scenario.APP)
        .delete();

    // Nothing holds them any more: a gate nobody removes would keep them Pending for ever.
    s.awaitReleased(V18, 1);
    await().atMost(Scenario.TIMEOUT).until(() -> s.migration() == null);
  }

  @Test
  void quickEditsRunOneJobAtATimeAndTheNewestWins(Scenario s) {
    install(s);
    var installed = s.jobs().get(0).getMetadata().getName();
    // Five edits of the migrations within a second or so, while the first of them migrates.
    for (var i = 1; i <= 5; i++) {
      s.putMigrations(Map.of("V1__init.sql", "create table t" + i + " (id int);"));
    }
    var last = Map.of("V1__init.sql", "create table t5 (id int);");
    var firstEdit =
        await()
            .atMost(Scenario.TIMEOUT)
            .until(
                () ->
                    s.jobs().stream()
                        .filter(j -> !j.getMetadata().getName().equals(installed))
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> s.jobs().size() == 2);
    s.succeed(firstEdit);

    var newest = s.awaitJob(MigrationJob.name(Scenario.APP, s.expectedRevision(last)));
    // The first edit's Job, then only the newest (unless the first Job already was the newest).
    assertThat(s.jobs()).hasSizeBetween(2, 3);
    if (!newest.getMetadata().getName().equals(firstEdit.getMetadata().getName())) {
      assertThat(s.jobs()).hasSize(3);
      s.succeed(newest);
    }
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.migration().getStatus().getRevision()).isEqualTo(s.expectedRevision(last));
    // The image never stopped being migrated: no pod was held for a change of scripts.
    assertThat(s.appPods(APP_IMAGE)).hasSize(APP_REPLICAS).noneMatch(Scenario::gated);
  }

  @Test
  void stopOldPodsScalesTheDeploymentToZeroWhileMigratingAndBack(Scenario s) {
    install(s);
    s.editMigration(
        m -> {
          m.getSpec().setStrategy(Strategy.StopOldPods);
          return m;
        });
    s.setImage(V18);

    await()
        .atMost(Scenario.TIMEOUT)
        .until(() -> Integer.valueOf(0).equals(s.deployment().getSpec().getReplicas()));
    assertThat(s.migration().getStatus().getStoppedReplicas()).isEqualTo(APP_REPLICAS);
    s.succeed(s.awaitJobFor(V18));

    await()
        .atMost(Scenario.TIMEOUT)
        .until(() -> Integer.valueOf(APP_REPLICAS).equals(s.deployment().getSpec().getReplicas()));
    s.awaitReleased(V18, APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.migration().getStatus().getStoppedReplicas()).isNull();
  }

  @Test
  void podsCreatedBeforeTheirSchemaMigrationAreReplacedByHeldOnes(Scenario s) {
    // The order kubectl apply -k and GitOps tools use: the Deployment, then the custom resource.
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createDeployment();
    await().atMost(Scenario.TIMEOUT).until(() -> s.appPods().size() == APP_REPLICAS);
    var early = s.appPods().stream().map(p -> p.getMetadata().getUid()).toList();
    assertThat(s.appPods()).noneMatch(Scenario::gated);
    s.createMigration();

    var held = s.awaitHeld(APP_IMAGE, APP_REPLICAS);
    assertThat(held).noneMatch(p -> early.contains(p.getMetadata().getUid()));
    assertThat(s.events("Evicted")).hasSize(1);
    s.succeed(s.awaitJobFor(APP_IMAGE));
    s.awaitReleased(APP_IMAGE, APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
  }
}
