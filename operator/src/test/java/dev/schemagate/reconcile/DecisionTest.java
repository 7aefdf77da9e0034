package dev.schemagate.reconcile;

import static dev.schemagate.reconcile.Conditions.READY;
import static dev.schemagate.reconcile.Conditions.RECONCILING;
import static dev.schemagate.reconcile.Conditions.STALLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.job.JobOutcome;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision table of issue 3: each case is one observed state and what SchemaGate must do. */
class DecisionTest {
  static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
  static final JobOutcome ABSENT = new JobOutcome.Absent();
  static final JobOutcome RUNNING = new JobOutcome.Running(Optional.empty());
  static final JobOutcome SUCCEEDED = new JobOutcome.Succeeded();
  static final JobOutcome FAILED =
      new JobOutcome.Failed(
          "BackoffLimitExceeded",
          "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists");

  final SchemaMigration migration = Fixtures.flywayMigration();
  final ConfigMap configMap = Fixtures.migrationsUpToV8();
  final String revision = revision(configMap);
  final String job = "basketball-api-" + revision;

  String revision(ConfigMap cm) {
    return ((MigrationSource.Valid) MigrationSource.resolve(migration, cm)).revision();
  }

  /** Decides, then stores the new status on the resource, as the API server would. */
  Plan decide(ConfigMap cm, JobOutcome outcome, Integer replicas) {
    var plan =
        Decision.decide(
            new Observation(migration, MigrationSource.resolve(migration, cm), outcome, replicas),
            T0);
    plan.status().ifPresent(migration::setStatus);
    return plan;
  }

  Plan decide(JobOutcome outcome, Integer replicas) {
    return decide(configMap, outcome, replicas);
  }

  Condition condition(String type) {
    return Conditions.find(migration.getStatus().getConditions(), type).orElseThrow();
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

  @Test
  void firstInstallStartsTheJobAndHoldsTheDeployment() {
    var plan = decide(ABSENT, 1);

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(0);
    assertThat(plan.scale().get().event().reason()).isEqualTo(Reasons.HELD);
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(condition(READY).getMessage()).contains(job).contains("held at 0 replicas");
    assertThat(migration.getStatus().getRevision()).isEqualTo(revision).hasSize(10);
    assertThat(migration.getStatus().getJob()).isEqualTo(job);
    assertThat(migration.getStatus().getAppliedRevision()).isNull();
  }

  @Test
  void runningJobWritesNothingMore() {
    decide(ABSENT, 1);
    var plan = decide(RUNNING, 0);

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.scale()).isEmpty();
    assertThat(plan.status()).isEmpty();
    assertThat(plan.events()).isEmpty();
  }

  @Test
  void runningJobSurfacesWhatHoldsItUp() {
    decide(ABSENT, 0);
    decide(
        new JobOutcome.Running(
            Optional.of("pod p: CreateContainerConfigError: secret \"basketball-db\" not found")),
        0);

    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(condition(READY).getMessage()).endsWith("secret \"basketball-db\" not found");
  }

  @Test
  void successReleasesTheDeployment() {
    decide(ABSENT, 1);
    var plan = decide(SUCCEEDED, 0);

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(3);
    assertThat(plan.scale().get().event().reason()).isEqualTo(Reasons.RELEASED);
    assertThat(plan.events()).extracting(Plan.Event::reason).containsExactly(Reasons.MIGRATED);
    assertState(READY, Reasons.MIGRATED);
    assertThat(migration.getStatus().getAppliedRevision()).isEqualTo(revision);
  }

  @Test
  void steadyStateWritesNothing() {
    decide(ABSENT, 1);
    decide(SUCCEEDED, 0);
    // The Job may be garbage-collected later: an applied revision needs no Job.
    for (var outcome : new JobOutcome[] {SUCCEEDED, ABSENT}) {
      var plan = decide(outcome, 3);
      assertThat(plan.createJob()).isFalse();
      assertThat(plan.scale()).isEmpty();
      assertThat(plan.status()).isEmpty();
      assertThat(plan.events()).isEmpty();
    }
  }

  @Test
  void failureStallsWithTheSqlErrorOnceAndKeepsTheHold() {
    decide(ABSENT, 1);
    var plan = decide(FAILED, 0);

    assertState(STALLED, Reasons.MIGRATION_FAILED);
    assertThat(condition(STALLED).getMessage())
        .contains("type \"division\" already exists")
        .contains("BackoffLimitExceeded")
        .contains(SchemaMigration.RETRY_ANNOTATION);
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

    var again = decide(FAILED, 0);
    assertThat(again.events()).isEmpty();
    assertThat(again.status()).isEmpty();
  }

  @Test
  void aFailureFirstSeenWithoutItsPodMessageIsReportedAgainWithIt() {
    decide(ABSENT, 1);
    var early =
        decide(
            new JobOutcome.Failed(
                "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
            0);
    assertThat(early.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("backoff limit"));

    var withPod = decide(FAILED, 0);
    assertThat(withPod.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("42710"));
    assertThat(condition(STALLED).getMessage()).contains("type \"division\" already exists");
    assertThat(decide(FAILED, 0).events()).isEmpty();
  }

  @Test
  void fixedRevisionAfterFailureStartsANewJob() {
    decide(ABSENT, 1);
    decide(FAILED, 0);
    var fixed =
        Fixtures.migrations(
            Map.of(
                "V7__create_rosters.sql",
                Fixtures.V7,
                "V8__add_team_model.sql",
                Fixtures.FIXED_V8 + "\n-- fixed"));

    var plan = decide(fixed, ABSENT, 0);

    assertThat(plan.createJob()).isTrue();
    assertThat(migration.getStatus().getRevision())
        .isEqualTo(revision(fixed))
        .isNotEqualTo(revision);
    assertThat(migration.getStatus().getJob()).isEqualTo("basketball-api-" + revision(fixed));
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
  }

  @Test
  void retryAnnotationMakesANewRevisionOfTheSameMigration() {
    decide(ABSENT, 1);
    decide(FAILED, 0);
    migration
        .getMetadata()
        .setAnnotations(Map.of(SchemaMigration.RETRY_ANNOTATION, "2026-11-24T09:30"));

    var plan = decide(ABSENT, 0);

    assertThat(plan.createJob()).isTrue();
    assertThat(migration.getStatus().getRevision()).isNotEqualTo(revision);
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
  }

  @Test
  void missingDeploymentDoesNotStopTheMigrationAndIsHeldOnceCreated() {
    var plan = decide(ABSENT, null);
    assertThat(plan.createJob()).isTrue();
    assertThat(plan.scale()).isEmpty();
    assertThat(condition(READY).getMessage()).contains("not found yet");

    var created = decide(RUNNING, 1);
    assertThat(created.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(0);
  }

  @Test
  void migratedButDeploymentMissingStallsUntilItAppears() {
    decide(ABSENT, null);
    decide(SUCCEEDED, null);
    assertState(STALLED, Reasons.DEPLOYMENT_NOT_FOUND);
    assertThat(migration.getStatus().getAppliedRevision()).isEqualTo(revision);

    var plan = decide(ABSENT, 1);
    assertThat(plan.createJob()).isFalse();
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(3);
    assertState(READY, Reasons.MIGRATED);
  }

  @Test
  void jobDeletedWhileRunningIsCreatedAgain() {
    decide(ABSENT, 1);
    decide(RUNNING, 0);

    var plan = decide(ABSENT, 0);

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.status()).isEmpty();
  }

  @Test
  void restartWithTheJobAlreadyThereCreatesNoSecondJob() {
    decide(ABSENT, 1);
    // A new operator process: same status on the resource, the Job found in the cache.
    var plan = decide(RUNNING, 0);
    assertThat(plan.createJob()).isFalse();
  }

  @Test
  void editedConfigMapHoldsTheAppAndRunsTheNewRevision() {
    decide(ABSENT, 1);
    decide(SUCCEEDED, 0);
    var edited =
        Fixtures.migrations(
            Map.of(
                "V7__create_rosters.sql", Fixtures.V7,
                "V8__add_team_model.sql", Fixtures.FIXED_V8,
                "V9__add_season.sql", "ALTER TABLE teams ADD COLUMN season int;"));

    var plan = decide(edited, ABSENT, 3);

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(0);
    assertThat(migration.getStatus().getAppliedRevision()).isEqualTo(revision);
    assertThat(migration.getStatus().getRevision()).isEqualTo(revision(edited));
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
  }

  @Test
  void replicasChangedAfterReleaseScaleWithoutAMigration() {
    decide(ABSENT, 1);
    decide(SUCCEEDED, 0);
    migration.getSpec().getTarget().setReplicas(5);
    migration.getMetadata().setGeneration(2L);

    var plan = decide(ABSENT, 3);

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(5);
    assertThat(plan.scale().get().event().reason()).isEqualTo(Reasons.SCALED);
    assertState(READY, Reasons.MIGRATED);
    assertThat(condition(READY).getMessage()).contains("at 5 replicas");
  }

  @Test
  void someoneScalingTheHeldDeploymentIsScaledBack() {
    decide(ABSENT, 1);
    var plan = decide(RUNNING, 2);
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(0);
  }

  @Test
  void missingConfigMapStallsWithoutAJobAndHoldsANeverMigratedApp() {
    var plan = decide(null, ABSENT, 1);

    assertThat(plan.createJob()).isFalse();
    assertThat(plan.scale()).get().extracting(Plan.Scale::replicas).isEqualTo(0);
    assertState(STALLED, Reasons.CONFIG_MAP_NOT_FOUND);
    assertThat(condition(STALLED).getMessage())
        .contains("basketball-migrations")
        .contains("basketball");
    assertThat(plan.events())
        .extracting(Plan.Event::reason)
        .containsExactly(Reasons.CONFIG_MAP_NOT_FOUND);
    assertThat(decide(null, ABSENT, 0).events()).isEmpty();
  }

  @Test
  void emptyConfigMapStallsWithoutAJob() {
    var plan = decide(Fixtures.migrations(Map.of("README", "no sql here")), ABSENT, 0);
    assertThat(plan.createJob()).isFalse();
    assertState(STALLED, Reasons.NO_MIGRATIONS);
  }

  @Test
  void configMapDeletedAfterReleaseLeavesTheAppRunning() {
    decide(ABSENT, 1);
    decide(SUCCEEDED, 0);

    var plan = decide(null, ABSENT, 3);

    assertThat(plan.scale()).isEmpty();
    assertThat(plan.createJob()).isFalse();
    assertState(STALLED, Reasons.CONFIG_MAP_NOT_FOUND);
    assertThat(migration.getStatus().getAppliedRevision()).isEqualTo(revision);
  }

  @Test
  void transitionTimeMovesOnlyWhenAConditionFlips() {
    decide(ABSENT, 1);
    var readySince = condition(READY).getLastTransitionTime();
    var reconcilingSince = condition(RECONCILING).getLastTransitionTime();

    var later = T0.plus(Duration.ofMinutes(5));
    var plan =
        Decision.decide(
            new Observation(migration, MigrationSource.resolve(migration, configMap), SUCCEEDED, 0),
            later);
    migration.setStatus(plan.status().orElseThrow());

    assertThat(condition(READY).getLastTransitionTime())
        .isEqualTo("2026-11-24T09:05:00Z")
        .isNotEqualTo(readySince);
    assertThat(condition(RECONCILING).getLastTransitionTime())
        .isEqualTo("2026-11-24T09:05:00Z")
        .isNotEqualTo(reconcilingSince);
    assertThat(condition(STALLED).getLastTransitionTime()).isEqualTo("2026-11-24T09:00:00Z");
  }

  @Test
  void commandMigrationsNeedNoConfigMap() {
    var command = Fixtures.commandMigration();
    var plan =
        Decision.decide(
            new Observation(command, MigrationSource.resolve(command, null), ABSENT, 1), T0);
    assertThat(plan.createJob()).isTrue();
    assertThat(plan.status()).get().extracting(s -> s.getRevision()).isNotNull();
  }
}
