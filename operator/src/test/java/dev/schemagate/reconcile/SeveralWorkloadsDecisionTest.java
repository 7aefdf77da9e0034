package dev.schemagate.reconcile;

import static dev.schemagate.api.StatusConditions.READY;
import static dev.schemagate.api.StatusConditions.RECONCILING;
import static dev.schemagate.api.StatusConditions.STALLED;
import static dev.schemagate.reconcile.DecisionTest.V17;
import static dev.schemagate.reconcile.DecisionTest.V18;
import static dev.schemagate.reconcile.DecisionTest.V19;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.Reasons;
import dev.schemagate.api.Workload;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.api.WorkloadStatus;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.gate.WorkloadRef;
import dev.schemagate.job.JobOutcome;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The decision table for an app of several workloads on one database: web (the Deployment the
 * migration pod is derived from), a worker, a nightly CronJob, a StatefulSet. Same world as {@link
 * DecisionTest}.
 */
class SeveralWorkloadsDecisionTest {
  static final WorkloadRef WORKER = new WorkloadRef(WorkloadKind.Deployment, "worker", null);
  static final WorkloadRef NIGHTLY = new WorkloadRef(WorkloadKind.CronJob, "nightly", null);
  static final WorkloadRef CACHE = new WorkloadRef(WorkloadKind.StatefulSet, "cache", null);

  final DecisionTest world = new DecisionTest();

  SeveralWorkloadsDecisionTest() {
    world
        .migration
        .getSpec()
        .getTarget()
        .setWorkloads(
            List.of(
                new Workload(WorkloadKind.Deployment, "worker"),
                new Workload(WorkloadKind.CronJob, "nightly"),
                new Workload(WorkloadKind.StatefulSet, "cache")));
  }

  static TargetWorkload worker(String image, int replicas, int ready) {
    return TargetWorkload.of(
        new TargetDeployment(
            "worker",
            Optional.of(image),
            List.of("api"),
            replicas,
            ready,
            "RollingUpdate",
            0,
            600,
            Optional.empty()));
  }

  static TargetWorkload nightly(String image) {
    return TargetWorkload.of(
        new CronJobBuilder()
            .withNewMetadata()
            .withName("nightly")
            .endMetadata()
            .withNewSpec()
            .withSchedule("0 3 * * *")
            .withConcurrencyPolicy("Forbid")
            .withNewJobTemplate()
            .withNewSpec()
            .withActiveDeadlineSeconds(900L)
            .withTemplate(template(image))
            .endSpec()
            .endJobTemplate()
            .endSpec()
            .build(),
        null);
  }

  static TargetWorkload cache(String image, int replicas, int ready) {
    return TargetWorkload.of(
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName("cache")
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withTemplate(template(image))
            .endSpec()
            .withNewStatus()
            .withReadyReplicas(ready)
            .endStatus()
            .build(),
        null);
  }

  static io.fabric8.kubernetes.api.model.PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .withContainers(new ContainerBuilder().withName("api").withImage(image).build())
        .endSpec()
        .build();
  }

  /** Web and the worker on {@code image}: each rolled out by its own apply. */
  void workloads(TargetWorkload... others) {
    world.others.clear();
    world.others.addAll(List.of(others));
  }

  void held(WorkloadRef workload, String image, int count) {
    for (var i = 0; i < count; i++) {
      world.held.add(
          new HeldPod(workload.name() + "-" + image.hashCode() + "-" + i, image, workload));
    }
  }

  long jobsOf(String image) {
    return world.jobs.values().stream().filter(r -> r.image().equals(image)).count();
  }

  void installed() {
    workloads(worker(V17, 2, 2), nightly(V17), cache(V17, 3, 3));
    world.installed();
  }

  @Test
  void webAndWorkerUpdatedAMomentApartRunOneJobAndEachSaysWhatItHolds() {
    installed();

    world.rollOut(V18);
    world.podsCreated(1);
    assertThat(world.decide().createJob()).isTrue();
    workloads(worker(V18, 2, 2), nightly(V17), cache(V17, 3, 3));
    held(WORKER, V18, 1);
    var second = world.decide();

    assertThat(second.createJob()).isFalse();
    assertThat(jobsOf(V18)).isEqualTo(1);
    var message = world.condition(RECONCILING).getMessage();
    assertThat(message.indexOf("worker: 2 of 1.7 serving, 1.8 held (1 pods gated)"))
        .isBetween(0, 300);
    assertThat(message)
        .startsWith("basketball-api: 3 of 1.7 serving, 1.8 held (1 pods gated); worker:");
    assertThat(world.migration.getStatus().getWorkloads())
        .containsExactly(
            new WorkloadStatus(WorkloadKind.Deployment, "basketball-api", V18, 1),
            new WorkloadStatus(WorkloadKind.Deployment, "worker", V18, 1),
            new WorkloadStatus(WorkloadKind.CronJob, "nightly", V17, null),
            new WorkloadStatus(WorkloadKind.StatefulSet, "cache", V17, null));
    assertThat(world.migration.getStatus().getHeldPods()).isEqualTo(2);

    world.jobEnds(new JobOutcome.Succeeded());
    var released = world.decide();

    assertThat(released.release()).hasSize(2);
    world.assertState(READY, Reasons.MIGRATED);
    assertThat(world.migration.getStatus().getWorkloads())
        .extracting(WorkloadStatus::getHeldPods)
        .containsOnlyNulls();
  }

  @Test
  void twoNewImagesAreMigratedOneAtATimeTheOneInFlightFirstEachOnce() {
    installed();
    // The worker's apply comes first: its image's Job is derived from it.
    workloads(worker(V18, 2, 2), nightly(V17), cache(V17, 3, 3));
    assertThat(world.decide().createJob()).isTrue();
    assertThat(world.migration.getStatus().getImage()).isEqualTo(V18);

    world.rollOut(V19);
    var meanwhile = world.decide();

    assertThat(meanwhile.createJob()).as("1.8 is in flight: 1.9 waits").isFalse();
    assertThat(world.migration.getStatus().getImage()).isEqualTo(V18);
    assertThat(world.condition(RECONCILING).getMessage())
        .contains("basketball-api: 3 of 1.7 serving, 1.9 held, waiting its turn")
        .contains("image " + V19 + " waits for this migration to end");

    world.jobEnds(new JobOutcome.Succeeded());
    var next = world.decide();
    assertThat(world.migratedImages()).contains(V18);
    assertThat(next.createJob()).isFalse(); // the release of 1.8 first; status says it
    var then = world.decide();
    assertThat(then.createJob()).isTrue();
    assertThat(world.migration.getStatus().getImage()).isEqualTo(V19);
    world.jobEnds(new JobOutcome.Succeeded());
    world.decide();
    world.decide();

    assertThat(jobsOf(V18)).isEqualTo(1);
    assertThat(jobsOf(V19)).isEqualTo(1);
    assertThat(world.migratedImages()).contains(V17, V18, V19);
  }

  @Test
  void aCronJobPodArrivingDuringAHoldIsHeldThenReleased() {
    installed();
    world.rollOut(V18);
    workloads(worker(V18, 2, 2), nightly(V18), cache(V17, 3, 3));
    world.decide();

    held(NIGHTLY, V18, 1); // 03:00: the CronJob's Job makes its pod; admission gates it
    var plan = world.decide();

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.release()).isEmpty();
    assertThat(world.condition(RECONCILING).getMessage())
        .contains("nightly: 1.8 held (1 pods gated)")
        .contains("CronJob nightly: a held run waits; its activeDeadlineSeconds 900 keeps counting")
        .contains("concurrencyPolicy Forbid skips the runs due while one is held");
    assertThat(world.migration.getStatus().getWorkloads())
        .contains(new WorkloadStatus(WorkloadKind.CronJob, "nightly", V18, 1));

    world.jobEnds(new JobOutcome.Succeeded());
    assertThat(world.decide().release()).containsExactly("nightly-" + V18.hashCode() + "-0");
  }

  @Test
  void aStatefulSetUpgradeSaysAHeldPodCostsAReplica() {
    installed();
    workloads(worker(V17, 2, 2), nightly(V17), cache(V18, 3, 2));
    held(CACHE, V18, 1); // the highest ordinal, deleted first: held
    var plan = world.decide();

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.events())
        .filteredOn(e -> e.reason().equals(Reasons.HOLD_COSTS_CAPACITY))
        .singleElement()
        .extracting(Plan.Event::message)
        .isEqualTo(
            "StatefulSet cache deletes an old pod before creating its new one: 1 of 3 replicas"
                + " down while the new image is held");
    assertThat(world.condition(RECONCILING).getMessage())
        .startsWith(
            "basketball-api: 3 of 1.7 serving; worker: 2 of 1.7 serving; nightly: runs 1.7;"
                + " cache: 2 of 1.7 serving, 1.8 held (1 pods gated): Job");

    world.jobEnds(new JobOutcome.Succeeded());
    assertThat(world.decide().release()).hasSize(1);
  }

  @Test
  void aSecondSchemaMigrationOfTheSameDatabaseStallsAndTouchesNothing() {
    world.claimedBy = Optional.of(new TargetClaim.Claim("basketball-api-first", Optional.empty()));
    workloads(worker(V17, 2, 0));
    held(WORKER, V17, 1);

    var plan = world.decide();

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.evict()).as("no one else gates its pods: they stay held").isEmpty();
    assertThat(plan.release()).isEmpty();
    world.assertState(STALLED, Reasons.DATABASE_CLAIMED_BY_OTHER);
    assertThat(world.condition(STALLED).getMessage())
        .startsWith(
            "database Secret basketball-db key url is migrated by SchemaMigration"
                + " basketball-api-first already");
    assertThat(plan.requeue()).contains(Decision.RECHECK_HELD_BY_OTHER);
    assertThat(world.decide().events()).as("said once").isEmpty();
  }

  @Test
  void aSecondSchemaMigrationOfAWorkloadListedByAnotherLetsGoOfItsPods() {
    world.claimedBy =
        Optional.of(new TargetClaim.Claim("basketball-api-first", Optional.of(NIGHTLY)));
    workloads(worker(V17, 2, 0), nightly(V17));
    held(NIGHTLY, V17, 1);

    var plan = world.decide();

    assertThat(plan.evict()).hasSize(1);
    world.assertState(STALLED, Reasons.TARGET_HELD_BY_OTHER);
    assertThat(world.condition(STALLED).getMessage())
        .startsWith("CronJob nightly is gated by SchemaMigration basketball-api-first already");
  }

  @Test
  void aJobThatEndedOnAnOldImageIsNotMigratedFor() {
    installed();
    var seed =
        new JobBuilder()
            .withNewMetadata()
            .withName("seed")
            .endMetadata()
            .withNewSpec()
            .withTemplate(template(DecisionTest.V17.replace("1.7", "1.6")))
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("Complete")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    workloads(worker(V17, 2, 2), TargetWorkload.of(seed, null));

    assertThat(world.decide().createJob()).isFalse();
    world.assertState(READY, Reasons.MIGRATED);

    // Running again (not ended), its image is one to migrate for.
    seed.setStatus(null);
    workloads(worker(V17, 2, 2), TargetWorkload.of(seed, null));
    assertThat(world.decide().createJob()).isTrue();
    assertThat(world.migration.getStatus().getImage()).endsWith(":1.6");
  }

  @Test
  void withoutItsDeploymentTheListedWorkloadsAreTheTarget() {
    world.migration.getSpec().getTarget().setDeployment(null);
    world.deployment = Optional.empty();
    workloads(cache(V17, 3, 0));
    var plan = world.decide();
    assertThat(plan.createJob()).isTrue();
    assertThat(world.migration.getStatus().getImage()).isEqualTo(V17);

    workloads();
    world.decide();
    world.assertState(STALLED, Reasons.WORKLOAD_NOT_FOUND);
  }
}
