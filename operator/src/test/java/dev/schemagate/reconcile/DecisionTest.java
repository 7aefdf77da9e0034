package dev.schemagate.reconcile;

import static dev.schemagate.api.StatusConditions.READY;
import static dev.schemagate.api.StatusConditions.RECONCILING;
import static dev.schemagate.api.StatusConditions.STALLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.StatusConditions;
import dev.schemagate.api.Strategy;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.gate.WorkloadRef;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.job.PodProblem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The decision table: each test is a sequence of observed states and what SchemaGate must do. The
 * world below stands in for the API server: it keeps the status the plan writes, the Jobs it
 * creates, and the pods admission held.
 */
class DecisionTest {
  static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
  static final String V17 = "registry.example.com/basketball-api:1.7";
  static final String V18 = "registry.example.com/basketball-api:1.8";
  static final String V19 = "registry.example.com/basketball-api:1.9";
  static final JobOutcome FAILED =
      new JobOutcome.Failed(
          "BackoffLimitExceeded",
          "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists");

  static final WorkloadRef WEB = new WorkloadRef(WorkloadKind.Deployment, "basketball-api", null);
  static final TargetClaim.Claim WEB_HELD_BY_FIRST =
      new TargetClaim.Claim("basketball-api-first", Optional.of(WEB));

  final SchemaMigration migration = Fixtures.unrehearsed(Fixtures.flywayMigration());
  ConfigMap configMap = Fixtures.migrationsUpToV8();
  Optional<TargetDeployment> deployment = Optional.of(Fixtures.target(V17, 3, 3));
  final Map<String, MigrationRun> jobs = new LinkedHashMap<>();
  final List<HeldPod> held = new ArrayList<>();
  final List<HeldPod> stray = new ArrayList<>();
  HoldMechanism mechanism = HoldMechanism.SchedulingGate;
  Optional<TargetClaim.Claim> claimedBy = Optional.empty();

  /** The target's workloads after its Deployment: spec.target.workloads as they exist. */
  final List<TargetWorkload> others = new ArrayList<>();

  /**
   * Jobs whose labels someone edited out of the selector: the API server has them, the cache not.
   */
  final Map<String, Observation.UnwatchedJob> unwatched = new LinkedHashMap<>();

  Plan last;

  Plan decide() {
    return decide(T0);
  }

  /**
   * Decides and writes as the shell does (a create that finds its name taken by an unwatched Job
   * decides again knowing it), then does what the plan says as the API server and admission would.
   */
  Plan decide(Instant now) {
    var workloads = new ArrayList<TargetWorkload>();
    deployment
        .map(d -> TargetWorkload.of(d, migration.getSpec().getTarget().getContainer()))
        .ifPresent(workloads::add);
    workloads.addAll(others);
    var source = MigrationSource.resolve(migration, configMap, workloads);
    var runs = List.copyOf(jobs.values());
    var observed =
        Observation.builder(migration, source)
            .runs(runs)
            .workloads(workloads)
            .heldPods(held)
            .strayPods(stray)
            .mechanism(mechanism)
            .claimedBy(claimedBy)
            .unwatchedJob(
                Decision.unwatchedJobToRecheck(migration.getStatus(), runs).map(unwatched::get))
            .build();
    var server = new Server();
    last = DecisionWrites.decideAndWrite(observed, now, server);
    server.status.ifPresent(migration::setStatus);
    held.removeIf(p -> last.release().contains(p.name()));
    stray.removeIf(p -> last.evict().contains(p.name()));
    return last;
  }

  /** The API server's side of a decision's first writes: the status it keeps, the Jobs it has. */
  final class Server implements DecisionWrites.Writer {
    Optional<SchemaMigrationStatus> status = Optional.empty();

    @Override
    public void status(SchemaMigrationStatus written) {
      status = Optional.of(written);
    }

    @Override
    public Optional<Observation.UnwatchedJob> createJob(SchemaMigrationStatus written) {
      var taken = Optional.ofNullable(unwatched.get(written.getJob()));
      if (taken.isEmpty()) {
        jobs.put(
            written.getJob(),
            new MigrationRun(
                written.getJob(),
                written.getRevision(),
                written.getImage(),
                new JobOutcome.Running(Optional.empty())));
      }
      return taken;
    }

    @Override
    public void createRehearsal(SchemaMigrationStatus written) {
      throw new AssertionError("no rehearsal with spec.rehearsal.mode Off");
    }

    @Override
    public void decided(Observation observed, Plan plan) {}
  }

  /** The Job of the wanted revision ends so. */
  void jobEnds(JobOutcome outcome) {
    var status = migration.getStatus();
    var run = jobs.get(status.getJob());
    jobs.put(run.job(), new MigrationRun(run.job(), run.revision(), run.image(), outcome));
  }

  /** Someone edits the wanted revision's Job out of the selector: the cache loses it. */
  void jobLabelEdited() {
    var job = jobs.remove(migration.getStatus().getJob()).job();
    unwatched.put(
        job,
        new Observation.UnwatchedJob(job, List.of(MigrationJob.MANAGED_BY_LABEL + "=schemagate")));
  }

  /** Someone sets the Deployment's image (kubectl set image, a GitOps commit). */
  void rollOut(String image) {
    var d = deployment.orElseThrow();
    deployment = Optional.of(Fixtures.target(image, d.replicas(), d.readyReplicas()));
  }

  /** The Deployment's rolling update creates pods of its image; admission gates them. */
  void podsCreated(int count) {
    var image = deployment.orElseThrow().image().orElseThrow();
    for (var i = 0; i < count; i++) {
      held.add(new HeldPod("basketball-api-" + held.size() + "-" + image.hashCode(), image, WEB));
    }
  }

  /** A first install ends Ready with 1.7 migrated. */
  void installed() {
    decide();
    jobEnds(new JobOutcome.Succeeded());
    decide();
    assertState(READY, Reasons.MIGRATED);
  }

  Condition condition(String type) {
    return StatusConditions.find(migration.getStatus().getConditions(), type).orElseThrow();
  }

  String message() {
    return condition(READY).getMessage();
  }

  void assertState(String trueCondition, String reason) {
    for (var type : new String[] {READY, RECONCILING, STALLED}) {
      assertThat(condition(type).getStatus())
          .as(type)
          .isEqualTo(type.equals(trueCondition) ? "True" : "False");
      assertThat(condition(type).getReason()).as(type).isEqualTo(reason);
      assertThat(condition(type).getObservedGeneration())
          .isEqualTo(migration.getMetadata().getGeneration());
    }
    assertThat(migration.getStatus().getObservedGeneration())
        .isEqualTo(migration.getMetadata().getGeneration());
  }

  List<String> migratedImages() {
    return migration.getStatus().getMigrated().stream().map(MigratedImage::getImage).toList();
  }

  void assertNothingToDo(Plan plan) {
    assertThat(plan.createJob()).isFalse();
    assertThat(plan.release()).isEmpty();
    assertThat(plan.evict()).isEmpty();
    assertThat(plan.nudge()).isEmpty();
    assertThat(plan.scale()).isEmpty();
    assertThat(plan.status()).isEmpty();
    assertThat(plan.events()).isEmpty();
    assertThat(plan.requeue()).isEmpty();
  }

  @Test
  void firstInstallRunsTheJobForTheDeploymentsImageAndHoldsItsPods() {
    deployment = Optional.of(Fixtures.target(V17, 3, 0));
    podsCreated(3);
    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.release()).isEmpty();
    assertThat(plan.scale()).isEmpty();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    var status = migration.getStatus();
    assertThat(status.getImage()).isEqualTo(V17);
    assertThat(status.getRevision()).hasSize(10);
    assertThat(status.getJob())
        .isEqualTo(MigrationJob.name("basketball-api", status.getRevision()));
    assertThat(status.getMigrated()).isEmpty();
    assertThat(status.getHeldPods()).isEqualTo(3);
    assertThat(status.getHoldMechanism()).isEqualTo("SchedulingGate");
    assertThat(message()).startsWith("no pods serving; " + V17 + " held (3 pods gated)");
  }

  @Test
  void aHeldPodOfAnImageMigratedEarlierIsReleasedWithAnEventOfItsOwn() {
    installed();
    // Admission saw it before the status that admits its image (an old cache, a race).
    podsCreated(1);

    var plan = decide();

    assertThat(plan.release()).hasSize(1);
    assertThat(plan.events()).extracting(Plan.Event::reason).containsExactly(Reasons.RELEASED);
    assertThat(plan.events().get(0).message())
        .isEqualTo("Released 1 held pod(s) of migrated image(s) [" + V17 + "]");
  }

  @Test
  void successMigratesTheImageAndReleasesItsHeldPods() {
    podsCreated(3);
    decide();
    jobEnds(new JobOutcome.Succeeded());

    var plan = decide();

    assertThat(plan.release()).hasSize(3);
    assertThat(held).isEmpty();
    // One transition, one Event: the migration, with the release it brought.
    assertThat(plan.events()).extracting(Plan.Event::reason).containsExactly(Reasons.MIGRATED);
    assertThat(plan.events().get(0).message())
        .endsWith("; released 3 held pod(s) of migrated image(s) [" + V17 + "]");
    assertState(READY, Reasons.MIGRATED);
    assertThat(migratedImages()).containsExactly(V17);
    assertThat(migration.getStatus().getAppliedRevision())
        .isEqualTo(migration.getStatus().getRevision());
    assertThat(migration.getStatus().getHeldPods()).isNull();
    assertThat(message())
        .isEqualTo(
            "Image " + V17 + " migrated (revision " + migration.getStatus().getRevision() + ")");
  }

  @Test
  void podsOfAMigratedImageTurningReadyWriteNoStatus() {
    deployment = Optional.of(Fixtures.target(V17, 3, 0));
    installed();

    for (var ready = 1; ready <= 3; ready++) {
      deployment = Optional.of(Fixtures.target(V17, 3, ready));
      assertNothingToDo(decide());
    }
  }

  @Test
  void aSecondSchemaMigrationForAGatedDeploymentDoesNothingButSaySo() {
    claimedBy = Optional.of(WEB_HELD_BY_FIRST);
    podsCreated(1); // admitted for it in the instant before it was refused

    var plan = decide();

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.release()).isEmpty();
    assertThat(plan.scale()).isEmpty();
    assertThat(plan.nudge()).isEmpty();
    // Deleted, its pod is re-created and held by the other SchemaMigration.
    assertThat(plan.evict()).hasSize(1);
    assertState(STALLED, Reasons.TARGET_HELD_BY_OTHER);
    assertThat(condition(STALLED).getMessage())
        .startsWith("Deployment basketball-api is gated by SchemaMigration basketball-api-first");
    assertThat(plan.events())
        .extracting(Plan.Event::reason)
        .containsExactly(Reasons.TARGET_HELD_BY_OTHER);
    assertThat(plan.requeue()).contains(Decision.RECHECK_HELD_BY_OTHER);

    // Said once: looking again writes nothing.
    var again = decide();
    assertThat(again.status()).isEmpty();
    assertThat(again.events()).isEmpty();
    assertThat(again.requeue()).contains(Decision.RECHECK_HELD_BY_OTHER);
  }

  @Test
  void theSecondTakesOverOnceTheFirstIsGone() {
    claimedBy = Optional.of(WEB_HELD_BY_FIRST);
    decide();
    assertState(STALLED, Reasons.TARGET_HELD_BY_OTHER);

    claimedBy = Optional.empty();
    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
  }

  @Test
  void aJobEditedOutOfTheSelectorStallsSayingSoOnceAndHoldsUntilItIsDeleted() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    var job = migration.getStatus().getJob();
    jobLabelEdited();

    var plan = decide();

    assertState(STALLED, Reasons.JOB_NOT_MANAGED);
    assertThat(condition(STALLED).getMessage())
        .isEqualTo(
            ("3 pods of %s serving; %s held (1 pods gated): Job \"%s\" lacks label"
                    + " app.kubernetes.io/managed-by=schemagate of the selector SchemaGate watches"
                    + " its Jobs by (app.kubernetes.io/managed-by=schemagate,"
                    + "app.kubernetes.io/component=migration), so how its migration ends is unknown"
                    + " and nothing is released. Restore it (kubectl label -n basketball job/%s"
                    + " --overwrite app.kubernetes.io/managed-by=schemagate), or delete the Job"
                    + " (kubectl delete job -n basketball %s) to migrate in a new Job: the built-in"
                    + " Flyway runner applies only the migrations its history table lacks")
                .formatted(V17, V18, job, job, job));
    assertThat(migration.getStatus().getJob()).isEqualTo(job);
    assertThat(plan.createJob()).isFalse();
    assertThat(plan.release()).isEmpty();
    assertThat(held).hasSize(1);
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo(Reasons.JOB_NOT_MANAGED);
              assertThat(e.message()).startsWith("Job \"" + job + "\" lacks label");
            });
    // Its deletion sends no event: looked at again, said once.
    assertThat(plan.requeue()).contains(Decision.RECHECK_UNWATCHED_JOB);
    var again = decide();
    assertThat(again.status()).isEmpty();
    assertThat(again.events()).isEmpty();
    assertThat(again.createJob()).isFalse();
    assertThat(again.requeue()).contains(Decision.RECHECK_UNWATCHED_JOB);

    // Deleted: the same revision runs in a new Job of the same name.
    unwatched.clear();
    assertThat(decide().createJob()).isTrue();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(migration.getStatus().getJob()).isEqualTo(job);
    jobEnds(new JobOutcome.Succeeded());
    assertThat(decide().release()).hasSize(1);
    assertState(READY, Reasons.MIGRATED);
  }

  @Test
  void aJobWhoseLabelsAreRestoredIsFollowedAgain() {
    decide();
    var job = migration.getStatus().getJob();
    jobLabelEdited();
    decide();
    assertState(STALLED, Reasons.JOB_NOT_MANAGED);

    var restored = unwatched.remove(job);
    jobs.put(
        restored.name(),
        new MigrationRun(
            restored.name(),
            migration.getStatus().getRevision(),
            migration.getStatus().getImage(),
            new JobOutcome.Running(Optional.empty())));
    var plan = decide();

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.events()).isEmpty();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    jobEnds(new JobOutcome.Succeeded());
    decide();
    assertState(READY, Reasons.MIGRATED);
  }

  @Test
  void aCommandsJobEditedOutOfTheSelectorSaysARerunRunsTheCommandAgain() {
    migration.setSpec(Fixtures.unrehearsed(Fixtures.commandMigration()).getSpec());
    decide();
    jobLabelEdited();
    decide();

    assertState(STALLED, Reasons.JOB_NOT_MANAGED);
    assertThat(condition(STALLED).getMessage())
        .endsWith("that runs spec.command again, which must skip what it applied before");
  }

  @Test
  void steadyStateWritesNothing() {
    installed();
    assertNothingToDo(decide());
    // The Job may be garbage-collected later: a migrated image needs no Job.
    jobs.clear();
    assertNothingToDo(decide());
  }

  @Test
  void upgradeHoldsTheNewImageWhileTheOldKeepsServing() {
    installed();
    rollOut(V18);
    podsCreated(1);

    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.scale()).isEmpty();
    assertThat(plan.release()).isEmpty();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(migration.getStatus().getImage()).isEqualTo(V18);
    assertThat(migratedImages()).containsExactly(V17);
    assertThat(message())
        .startsWith("3 pods of " + V17 + " serving; " + V18 + " held (1 pods gated)");

    jobEnds(new JobOutcome.Succeeded());
    var released = decide();
    assertThat(released.release()).hasSize(1);
    assertThat(migratedImages()).containsExactly(V18, V17);
    assertState(READY, Reasons.MIGRATED);
  }

  @Test
  void failedUpgradeStallsWithTheSqlErrorOnceAndTheOldImageServes() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    jobEnds(FAILED);

    var plan = decide();

    assertState(STALLED, Reasons.MIGRATION_FAILED);
    assertThat(condition(STALLED).getMessage())
        .startsWith("3 pods of " + V17 + " serving; " + V18 + " held (1 pods gated): Job")
        .contains("type \"division\" already exists")
        .contains("BackoffLimitExceeded")
        .contains(SchemaMigration.RETRY_ANNOTATION);
    assertThat(plan.release()).isEmpty();
    assertThat(plan.scale()).isEmpty();
    assertThat(plan.createJob()).isFalse();
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo(Reasons.MIGRATION_FAILED);
              assertThat(e.message()).contains("42710");
            });
    assertThat(migratedImages()).containsExactly(V17);
    assertNothingToDo(decide());
  }

  @Test
  void aFailureFirstSeenWithoutItsPodMessageIsReportedAgainWithIt() {
    decide();
    jobEnds(
        new JobOutcome.Failed(
            "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
    assertThat(decide().events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("backoff limit"));

    jobEnds(FAILED);
    assertThat(decide().events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("42710"));
    assertThat(condition(STALLED).getMessage()).contains("type \"division\" already exists");
    assertThat(decide().events()).isEmpty();
  }

  @Test
  void aTracebackStallsWithItsCauseFirstAndTheEventCarriesTheTail() throws Exception {
    String tail;
    try (var in =
        getClass().getResourceAsStream("/failure-cause/alembic-sqlalchemy-psycopg2.txt")) {
      tail = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    jobEnds(new JobOutcome.Failed("BackoffLimitExceeded", tail));

    var plan = decide();

    var job = migration.getStatus().getJob();
    assertThat(condition(STALLED).getMessage())
        .contains(
            "Job \"%s\" failed (BackoffLimitExceeded): SQLSTATE 42710:".formatted(job)
                + " sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type"
                + " \"division\" already exists [SQL: CREATE TYPE division AS ENUM ('boys',"
                + " 'girls')] (kubectl logs -n %s job/%s for the rest)"
                    .formatted(migration.getMetadata().getNamespace(), job))
        .doesNotContain("traverse_single")
        .hasSizeLessThan(700);
    assertThat(plan.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("traverse_single", "sqlalche.me/e/21"));
  }

  @Test
  void aMigrationThatNeverReachedTheDatabaseSaysToCheckTheDatabaseNotToFixTheMigration() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    jobEnds(
        new JobOutcome.Failed(
            "BackoffLimitExceeded",
            "cannot connect to the database at db.prod.svc:5432/app: connection refused"
                + " (SQLSTATE 08001)"));

    decide();

    assertThat(condition(STALLED).getMessage())
        .contains(
            "cannot connect to the database at db.prod.svc:5432/app: connection refused",
            "The migration itself did not fail: check the database and its URL (Secret"
                + " basketball-db, key url), then set annotation schemagate.dev/retry to run it"
                + " again")
        .doesNotContain("Fix the migration");
    jobEnds(FAILED);
    decide();
    assertThat(condition(STALLED).getMessage())
        .contains("Fix the migration")
        .doesNotContain("did not fail");
  }

  @Test
  void fixedImageAfterAFailedUpgradeRunsItsOwnJobAndRollsOut() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    jobEnds(FAILED);
    decide();

    rollOut(V19);
    podsCreated(1);
    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertThat(migration.getStatus().getImage()).isEqualTo(V19);
    jobEnds(new JobOutcome.Succeeded());
    var released = decide();
    // The 1.8 pod was deleted by its ReplicaSet in reality; only 1.9's is released here.
    assertThat(released.release()).hasSize(1);
    assertThat(migratedImages()).containsExactly(V19, V17);
    assertState(READY, Reasons.MIGRATED);
  }

  @Test
  void revertingTheImageEndsTheHoldAtOnceAndRunsNothing() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    jobEnds(FAILED);
    decide();

    rollOut(V17); // kubectl rollout undo: the ReplicaSet of 1.8 deletes its held pod
    held.clear();
    var plan = decide();

    assertThat(plan.createJob()).isFalse();
    assertState(READY, Reasons.MIGRATED);
    assertThat(migration.getStatus().getImage()).isEqualTo(V17);
    assertThat(migratedImages()).containsExactly(V17);
  }

  @Test
  void anOldPodReplacedDuringAHoldIsNotHeld() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    // A node drain replaced a 1.7 pod: admission saw a migrated image and did not gate it, and
    // were it gated (a stale policy cache), the operator releases it.
    held.add(new HeldPod("basketball-api-old", V17));

    var plan = decide();

    assertThat(plan.release()).containsExactly("basketball-api-old");
    assertThat(held).extracting(HeldPod::image).containsExactly(V18);
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
  }

  @Test
  void anHpaScalingDuringAHoldChangesOnlyTheCount() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    deployment = Optional.of(Fixtures.target(V18, 6, 5));
    podsCreated(1);

    var plan = decide();

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.scale()).isEmpty();
    assertThat(plan.release()).isEmpty();
    assertThat(migration.getStatus().getHeldPods()).isEqualTo(2);
    assertThat(message())
        .startsWith("5 pods of " + V17 + " serving; " + V18 + " held (2 pods gated)");
  }

  @Test
  void twoImagesInFlightRunOneAfterTheOtherAndTheNewestWins() {
    installed();
    rollOut(V18);
    decide();
    var job18 = migration.getStatus().getJob();
    rollOut(V19);

    var waiting = decide();

    assertThat(waiting.createJob()).isFalse();
    assertState(RECONCILING, Reasons.WAITING_FOR_JOB);
    assertThat(migration.getStatus().getImage()).isEqualTo(V19);
    assertThat(migration.getStatus().getJob()).isEqualTo(job18);
    assertThat(message()).contains("waiting for Job \"" + job18 + "\" (image " + V18 + ")");

    jobs.put(
        job18,
        new MigrationRun(job18, jobs.get(job18).revision(), V18, new JobOutcome.Succeeded()));
    var next = decide();

    assertThat(next.createJob()).isTrue();
    assertThat(migratedImages()).containsExactly(V18, V17);
    assertThat(migration.getStatus().getJob()).isNotEqualTo(job18);
    jobEnds(new JobOutcome.Succeeded());
    decide();
    assertThat(migratedImages()).containsExactly(V19, V18, V17);
    assertThat(jobs).hasSize(3);
  }

  @Test
  void aChangedMigrationForTheRunningImageWaitsBrieflyThenRunsWithoutHoldingAnything() {
    installed();
    configMap = withViews();

    var waiting = decide();

    assertThat(waiting.createJob()).isFalse();
    assertThat(waiting.requeue()).contains(Decision.SETTLE);
    assertThat(message())
        .startsWith("3 pods of " + V17 + " serving (nothing held): the migration changed");
    var plan = decide(T0.plus(Decision.SETTLE));
    assertThat(plan.createJob()).isTrue();
    assertThat(plan.requeue()).isEmpty();
    assertThat(plan.scale()).isEmpty();
    assertThat(migratedImages()).containsExactly(V17);
    assertThat(message()).startsWith("3 pods of " + V17 + " serving (nothing held): Job");
  }

  @Test
  void aFixOfMigrationsAndImageAfterAFailureRunsOneJob() {
    installed();
    rollOut(V18);
    podsCreated(1);
    decide();
    jobEnds(FAILED);
    decide();
    configMap = withViews(); // the fixed migrations, then the fixed image
    assertThat(decide().createJob()).isFalse();
    rollOut(V19);

    var plan = decide(T0.plus(Duration.ofMillis(50)));

    assertThat(plan.createJob()).isTrue();
    assertThat(jobs.values()).extracting(MigrationRun::image).containsExactly(V17, V18, V19);
  }

  @Test
  void aReleaseOfMigrationsAndImageInOneApplyRunsOneJob() {
    installed();
    // The ConfigMap reaches the API server (and the cache) before the Deployment.
    configMap = withViews();
    assertThat(decide().createJob()).isFalse();
    rollOut(V18);
    podsCreated(1);

    var plan = decide(T0.plus(Duration.ofMillis(50)));

    assertThat(plan.createJob()).isTrue();
    assertThat(jobs.values()).extracting(MigrationRun::image).containsExactly(V17, V18);
    jobEnds(new JobOutcome.Succeeded());
    decide(T0.plus(Duration.ofSeconds(5)));
    assertThat(migratedImages()).containsExactly(V18, V17);
    assertThat(jobs).hasSize(2);
  }

  ConfigMap withViews() {
    return Fixtures.migrations(
        Map.of(
            "V7__create_rosters.sql", Fixtures.V7,
            "V8__add_team_model.sql", Fixtures.FIXED_V8,
            "R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;"));
  }

  @Test
  void stopOldPodsScalesToZeroWhileMigratingAndBackAfter() {
    migration.getSpec().setStrategy(Strategy.StopOldPods);
    installed();
    rollOut(V18);

    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(0);
    assertThat(migration.getStatus().getStoppedReplicas()).isEqualTo(3);
    deployment = Optional.of(Fixtures.target(V18, 0, 0));
    assertThat(decide().scale()).isEmpty();

    jobEnds(new JobOutcome.Succeeded());
    var released = decide();
    assertThat(released.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(3);
    assertThat(released.scale().get().event().reason()).isEqualTo(Reasons.RELEASED);
    assertThat(migration.getStatus().getStoppedReplicas()).isNull();
    assertState(READY, Reasons.MIGRATED);
  }

  @Test
  void aHoldThatCostsCapacityIsSaidOnceAsAWarningAndInTheMessage() {
    installed();
    deployment =
        Optional.of(
            new TargetDeployment(
                "basketball-api",
                Optional.of(V18),
                List.of("api"),
                4,
                4,
                "RollingUpdate",
                1,
                300,
                Optional.empty()));

    var plan = decide();

    assertThat(plan.events())
        .filteredOn(Plan.Event::warning)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.HOLD_COSTS_CAPACITY);
              assertThat(e.message())
                  .contains("maxUnavailable lets 1 of 4 old pods stop")
                  .contains(
                      "progressDeadlineSeconds 300 is shorter than the Job's activeDeadlineSeconds"
                          + " 600");
            });
    assertThat(message()).contains("maxUnavailable lets 1 of 4");
    assertThat(decide().events()).isEmpty();
  }

  @Test
  void withoutSchedulingGatesARefusedReplicaSetIsNudgedOnceMigrated() {
    mechanism = HoldMechanism.AdmissionPolicy;
    installed();
    rollOut(V18);
    decide();
    assertThat(message()).contains(V18 + " held (its pods are refused at creation)");
    jobEnds(new JobOutcome.Succeeded());
    var refused = Fixtures.target(V18, 3, 3);
    deployment =
        Optional.of(
            new TargetDeployment(
                refused.name(),
                refused.image(),
                refused.containers(),
                3,
                3,
                refused.strategy(),
                0,
                600,
                Optional.of("2026-11-24T09:01:00Z")));

    var plan = decide();

    assertThat(plan.nudge())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.images()).contains(V18);
              assertThat(n.token()).isEqualTo("2026-11-24T09:01:00Z");
            });
    assertThat(migration.getStatus().getHoldMechanism()).isEqualTo("AdmissionPolicy");
  }

  @Test
  void aRunningJobSurfacesWhatHoldsItUp() {
    decide();
    jobEnds(
        new JobOutcome.Running(
            Optional.of("pod p: CreateContainerConfigError: secret \"basketball-db\" not found")));
    decide();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(message()).endsWith("secret \"basketball-db\" not found");
  }

  @Test
  void aRunnerWaitingForALockShowsItsBlockerAndIsLookedAtAgain() {
    decide();
    var wait =
        "waiting for a lock: blocked by pid 4242 (idle in transaction, transaction open 1m05s):"
            + " UPDATE players SET first_name = 'x'; V9__x.sql timed out after lock_timeout 2s;"
            + " retry 3 in 1.6s";
    jobEnds(new JobOutcome.Running(Optional.of(wait), Optional.of(Duration.ofSeconds(10))));

    var plan = decide();

    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(message()).endsWith("; " + wait);
    assertThat(plan.requeue()).contains(Duration.ofSeconds(10));
    // The same line again: no status write, only the next look.
    var again = decide();
    assertThat(again.status()).isEmpty();
    assertThat(again.requeue()).contains(Duration.ofSeconds(10));
  }

  @Test
  void aJobDeletedWhileRunningIsCreatedAgainAndARestartCreatesNoSecond() {
    decide();
    assertNothingToDo(decide()); // restarted operator: same status, Job in the cache
    jobs.clear();
    var plan = decide();
    assertThat(plan.createJob()).isTrue();
    assertThat(plan.status()).isEmpty();
  }

  @Test
  void retryAnnotationMakesANewRevisionOfTheSameImage() {
    decide();
    jobEnds(FAILED);
    decide();
    var failed = migration.getStatus().getRevision();
    migration.getMetadata().setAnnotations(Map.of(SchemaMigration.RETRY_ANNOTATION, "1"));

    assertThat(decide().createJob()).as("settling").isFalse();
    var plan = decide(T0.plus(Decision.SETTLE));

    assertThat(plan.createJob()).isTrue();
    assertThat(migration.getStatus().getRevision()).isNotEqualTo(failed);
    assertThat(migration.getStatus().getImage()).isEqualTo(V17);
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
  }

  @Test
  void aMissingDeploymentRunsNothingUntilItExists() {
    deployment = Optional.empty();
    var plan = decide();
    assertThat(plan.createJob()).isFalse();
    assertState(STALLED, Reasons.DEPLOYMENT_NOT_FOUND);
    assertThat(plan.events())
        .extracting(Plan.Event::reason)
        .containsExactly(Reasons.DEPLOYMENT_NOT_FOUND);

    deployment = Optional.of(Fixtures.target(V17, 1, 0));
    assertThat(decide().createJob()).isTrue();
  }

  @Test
  void aContainerNameTheDeploymentLacksStallsWithTheNamesItHas() {
    migration.getSpec().getTarget().setContainer("web");
    deployment =
        Optional.of(
            new TargetDeployment(
                "basketball-api",
                Optional.empty(),
                List.of("api"),
                3,
                3,
                "RollingUpdate",
                0,
                600,
                Optional.empty()));
    decide();
    assertState(STALLED, Reasons.CONTAINER_NOT_FOUND);
    assertThat(message()).contains("no container \"web\"").contains("[api]");
  }

  @Test
  void missingConfigMapStallsWithoutAJobAndReportsOnce() {
    configMap = null;
    var plan = decide();
    assertThat(plan.createJob()).isFalse();
    assertState(STALLED, Reasons.CONFIG_MAP_NOT_FOUND);
    assertThat(condition(STALLED).getMessage()).contains("basketball-migrations");
    assertThat(plan.events())
        .extracting(Plan.Event::reason)
        .containsExactly(Reasons.CONFIG_MAP_NOT_FOUND);
    assertThat(decide().events()).isEmpty();
  }

  @Test
  void emptyConfigMapStallsWithoutAJob() {
    configMap = Fixtures.migrations(Map.of("README", "no sql here"));
    assertThat(decide().createJob()).isFalse();
    assertState(STALLED, Reasons.NO_MIGRATIONS);
  }

  @Test
  void configMapDeletedAfterReleaseLeavesTheMigratedImageAdmitted() {
    installed();
    configMap = null;
    var plan = decide();
    assertState(STALLED, Reasons.CONFIG_MAP_NOT_FOUND);
    assertThat(plan.scale()).isEmpty();
    assertThat(migratedImages()).containsExactly(V17);
  }

  @Test
  void transitionTimesMoveOnlyWhenAConditionFlips() {
    decide(T0);
    var later = T0.plus(Duration.ofMinutes(5));
    jobEnds(new JobOutcome.Running(Optional.of("pod p: ImagePullBackOff")));
    decide(later);
    assertThat(condition(RECONCILING).getLastTransitionTime()).isEqualTo(T0.toString());
    jobEnds(new JobOutcome.Succeeded());
    decide(later);
    assertThat(condition(READY).getLastTransitionTime()).isEqualTo(later.toString());
    assertThat(condition(STALLED).getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void migratedImagesAreBoundedAndOldJobsAreNotAbsorbedAgain() {
    installed();
    for (var i = 0; i < Decision.MIGRATED_KEPT + 2; i++) {
      rollOut("registry.example.com/basketball-api:2." + i);
      decide();
      jobEnds(new JobOutcome.Succeeded());
      decide();
    }
    assertThat(migration.getStatus().getMigrated()).hasSize(Decision.MIGRATED_KEPT);
    assertThat(migratedImages().get(0)).isEqualTo("registry.example.com/basketball-api:2.11");
    assertNothingToDo(decide());
  }

  @Test
  void anErrorKeepsWhatWasKnownAndSpeaksOfTheObservedGeneration() {
    installed();
    migration.getMetadata().setGeneration(7L);

    var status = Decision.onError(migration, "connection refused", T0);

    assertThat(status.getMigrated()).isEqualTo(migration.getStatus().getMigrated());
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    var reconciling = StatusConditions.find(status.getConditions(), RECONCILING).orElseThrow();
    assertThat(reconciling.getStatus()).isEqualTo("True");
    assertThat(reconciling.getReason()).isEqualTo(Reasons.RECONCILE_ERROR);
    assertThat(reconciling.getMessage()).isEqualTo("Retrying after error: connection refused");
    assertThat(reconciling.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void podsThatStartedBeforeTheirSchemaMigrationExistedAreDeletedToBeHeld() {
    // kubectl apply -k: the Deployment first, the SchemaMigration (a custom resource) last.
    deployment = Optional.of(Fixtures.target(V17, 2, 0));
    stray.add(new HeldPod("basketball-api-early-1", V17));
    stray.add(new HeldPod("basketball-api-early-2", V17));

    var plan = decide();

    assertThat(plan.evict()).containsExactly("basketball-api-early-1", "basketball-api-early-2");
    assertThat(plan.createJob()).isTrue();
    assertThat(plan.events())
        .filteredOn(e -> e.reason().equals(Reasons.EVICTED))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("Deleted 2 pod(s) of unmigrated"));
    assertNothingToDo(decide());
  }

  static JobOutcome.Running cannotStart(String reason, String message) {
    return new JobOutcome.Running(
        Optional.of("pod p: " + reason + ": " + message),
        Optional.empty(),
        Optional.of(new PodProblem("p", reason, message)),
        false);
  }

  static final JobOutcome.Running STARTED =
      new JobOutcome.Running(Optional.empty(), Optional.empty(), Optional.empty(), true);

  static final JobOutcome.Failed DEADLINE =
      new JobOutcome.Failed("DeadlineExceeded", "Job was active longer than specified deadline");

  @Test
  void aMissingSecretIsNamedAtOnceAndStallsAfterAMinuteUntilItIsThere() {
    decide(T0);
    jobEnds(cannotStart("CreateContainerConfigError", "secret \"nosuch\" not found"));
    var seen = T0.plusSeconds(1);
    var plan = decide(seen);
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(condition(RECONCILING).getMessage())
        .endsWith("; pod p: CreateContainerConfigError: secret \"nosuch\" not found");
    // Nothing changes in the pod meanwhile: look again when it would stall.
    assertThat(plan.requeue()).contains(PodStart.STALL_AFTER);
    assertThat(migration.getStatus().getLastPodProblem().getSince()).isEqualTo(seen.toString());

    assertThat(decide(seen.plusSeconds(30)).requeue()).contains(Duration.ofSeconds(30));
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);

    plan = decide(seen.plus(PodStart.STALL_AFTER));
    assertState(STALLED, Reasons.POD_CANNOT_START);
    assertThat(condition(STALLED).getMessage())
        .endsWith(
            ": Job \"%s\" cannot start its pod: secret \"nosuch\" not found"
                    .formatted(migration.getStatus().getJob())
                + " (CreateContainerConfigError for 60 s). Fix what it names: the pod starts once"
                + " it can, until the Job's deadline");
    assertThat(plan.events())
        .extracting(Plan.Event::reason)
        .containsExactly(Reasons.POD_CANNOT_START);
    assertNothingToDo(decide(seen.plusSeconds(90)));

    // The Secret is created: the kubelet starts the container.
    jobEnds(STARTED);
    decide(seen.plusSeconds(100));
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(migration.getStatus().getLastPodProblem()).isNull();
  }

  @Test
  void anImagePullOrNoNodeWaitsForTheDeadlineAndItsFailureSaysWhy() {
    decide(T0);
    var pull = "Back-off pulling image \"registry.example.com/basketball-api:1.7\"";
    jobEnds(cannotStart("ImagePullBackOff", pull));
    assertThat(decide(T0.plusSeconds(5)).requeue()).isEmpty();
    decide(T0.plusSeconds(500));
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(condition(RECONCILING).getMessage()).contains(pull);
    // At the deadline the Job controller deletes the pod, then fails the Job.
    jobEnds(new JobOutcome.Running(Optional.empty()));
    decide(T0.plusSeconds(600));
    jobEnds(DEADLINE);
    var plan = decide(T0.plusSeconds(601));
    assertState(STALLED, Reasons.MIGRATION_FAILED);
    assertThat(condition(STALLED).getMessage())
        .contains(
            "failed (DeadlineExceeded after 600 s; the pod never started: %s (ImagePullBackOff))"
                .formatted(pull));
    assertThat(plan.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("the pod never started: " + pull));
    assertNothingToDo(decide(T0.plusSeconds(700)));
  }

  @Test
  void aPodThatStartedAndRanOutOfTimeIsNoPodThatNeverStarted() {
    decide(T0);
    jobEnds(cannotStart("Unschedulable", "0/1 nodes are available"));
    decide(T0.plusSeconds(5));
    jobEnds(STARTED);
    decide(T0.plusSeconds(60));
    jobEnds(DEADLINE);
    decide(T0.plusSeconds(601));
    assertState(STALLED, Reasons.MIGRATION_FAILED);
    assertThat(condition(STALLED).getMessage())
        .contains("Job was active longer than specified deadline")
        .doesNotContain("never started");
  }

  @Test
  void aMigratedImageTaggedLatestWithoutDigestSaysARePushIsNeverMigrated() {
    deployment = Optional.of(Fixtures.target("registry.example.com/basketball-api:latest", 3, 3));
    decide();
    jobEnds(new JobOutcome.Succeeded());
    var plan = decide();
    assertState(READY, Reasons.MIGRATED);
    assertThat(condition(READY).getMessage())
        .startsWith("Image registry.example.com/basketball-api:latest migrated (revision ")
        .endsWith(
            "; image registry.example.com/basketball-api:latest has tag latest and no digest: a"
                + " new image pushed under it is not a new release and is never migrated; pin the"
                + " Deployment's image by digest (image@sha256:...)");
    assertThat(plan.events()).extracting(Plan.Event::reason).contains(Reasons.MUTABLE_IMAGE_TAG);
    assertNothingToDo(decide());
  }
}
