package dev.schemagate.reconcile;

import static dev.schemagate.api.StatusConditions.READY;
import static dev.schemagate.api.StatusConditions.RECONCILING;
import static dev.schemagate.api.StatusConditions.STALLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.Approval;
import dev.schemagate.api.Reasons;
import dev.schemagate.api.RehearsalMode;
import dev.schemagate.api.RehearsalSettings;
import dev.schemagate.api.RehearsalStatus;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.StatusConditions;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.job.RehearsalJob;
import dev.schemagate.job.RehearsalRun;
import dev.schemagate.rehearsal.TerminationReport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal's part of the decision table: a new revision is rehearsed before its production Job
 * exists, and what the rehearsal found decides whether that Job is created.
 */
class RehearsalDecisionTest {
  static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
  static final String V17 = "registry.example.com/basketball-api:1.7";

  final SchemaMigration migration = Fixtures.flywayMigration();
  final Optional<TargetDeployment> deployment = Optional.of(Fixtures.target(V17, 3, 3));
  final Map<String, MigrationRun> jobs = new LinkedHashMap<>();
  Optional<RehearsalRun> rehearsal = Optional.empty();
  int rehearsalsCreated;
  Plan last;
  Instant now = T0;

  Plan decide() {
    var workloads =
        List.of(
            TargetWorkload.of(
                deployment.orElseThrow(), migration.getSpec().getTarget().getContainer()));
    var source = MigrationSource.resolve(migration, Fixtures.migrationsUpToV8(), workloads);
    var observed =
        Observation.builder(migration, source)
            .runs(List.copyOf(jobs.values()))
            .workloads(workloads)
            .rehearsal(rehearsal)
            .build();
    last =
        DecisionWrites.decideAndWrite(
            observed,
            now,
            new DecisionWrites.Writer() {
              @Override
              public void status(SchemaMigrationStatus status) {
                migration.setStatus(status);
              }

              @Override
              public Optional<Observation.UnwatchedJob> createJob(SchemaMigrationStatus s) {
                jobs.put(
                    s.getJob(),
                    new MigrationRun(
                        s.getJob(),
                        s.getRevision(),
                        s.getImage(),
                        new JobOutcome.Running(Optional.empty())));
                return Optional.empty();
              }

              @Override
              public void createRehearsal(SchemaMigrationStatus s) {
                rehearsalsCreated++;
                rehearsal =
                    Optional.of(RehearsalRun.running(s.getRehearsal().getJob(), revision()));
              }

              @Override
              public void decided(Observation observed, Plan plan) {}
            });
    return last;
  }

  String revision() {
    return migration.getStatus().getRevision();
  }

  void rehearsalEnds(TerminationReport report) {
    var run = rehearsal.orElseThrow();
    rehearsal =
        Optional.of(
            new RehearsalRun(
                run.job(), run.revision(), true, Optional.of(report), Optional.empty()));
  }

  static TerminationReport passed(TerminationReport.Change... changes) {
    return new TerminationReport(
        "passed", 0, 3100, "PASSED", null, "passed", null, List.of(changes), 0, Map.of(), 0);
  }

  static final TerminationReport FAILED_008 =
      new TerminationReport(
          "failed",
          1,
          1300,
          "FAILED: the migration failed on the copy of production's schema",
          new TerminationReport.Failure(
              "V8__add_team_model.sql", "42710", "ERROR: type \"division\" already exists"),
          "not-run",
          null,
          List.of(),
          0,
          Map.of(),
          0);

  static final TerminationReport.Change DROP_COLUMN =
      new TerminationReport.Change("column", "players.division", "dropped: text", true);

  void mode(RehearsalMode mode) {
    var settings = new RehearsalSettings();
    settings.setMode(mode);
    migration.getSpec().setRehearsal(settings);
  }

  void assertState(String trueCondition, String reason) {
    for (var type : new String[] {READY, RECONCILING, STALLED}) {
      var c = StatusConditions.find(migration.getStatus().getConditions(), type).orElseThrow();
      assertThat(c.getStatus()).as(type).isEqualTo(type.equals(trueCondition) ? "True" : "False");
      assertThat(c.getReason()).as(type).isEqualTo(reason);
    }
  }

  String message(String type) {
    return StatusConditions.find(migration.getStatus().getConditions(), type)
        .orElseThrow()
        .getMessage();
  }

  @Test
  void aNewRevisionIsRehearsedBeforeItsProductionJobExists() {
    var plan = decide();

    assertThat(plan.createRehearsal()).isTrue();
    assertThat(plan.createJob()).isFalse();
    assertThat(jobs).isEmpty();
    assertState(RECONCILING, Reasons.REHEARSING);
    assertThat(migration.getStatus().getRehearsal().getJob())
        .isEqualTo(RehearsalJob.name("basketball-api", revision()));
    assertThat(migration.getStatus().getRehearsal().getResult()).isEqualTo("Running");

    // While it runs: nothing created again, no production Job.
    var again = decide();
    assertThat(again.createRehearsal()).isFalse();
    assertThat(again.createJob()).isFalse();
    assertThat(rehearsalsCreated).isEqualTo(1);
  }

  @Test
  void aRehearsalPodThatCannotStartIsNamed() {
    decide();
    var run = rehearsal.orElseThrow();
    rehearsal =
        Optional.of(
            new RehearsalRun(
                run.job(),
                run.revision(),
                false,
                Optional.empty(),
                Optional.of("pod x: CreateContainerConfigError: secret \"nosuch\" not found")));

    decide();

    assertState(RECONCILING, Reasons.REHEARSING);
    assertThat(message(RECONCILING))
        .endsWith("; pod x: CreateContainerConfigError: secret \"nosuch\" not found");
  }

  @Test
  void aFailedRehearsalStallsWithTheCauseFirstAndNoProductionJob() {
    decide();
    rehearsalEnds(FAILED_008);

    var plan = decide();

    assertState(STALLED, Reasons.REHEARSAL_FAILED);
    assertThat(jobs).isEmpty();
    assertThat(plan.createJob()).isFalse();
    assertThat(message(STALLED))
        .contains(": rehearsal failed: V8__add_team_model.sql: SQLSTATE 42710: ERROR: type")
        .contains("production untouched")
        .contains(SchemaMigration.RETRY_ANNOTATION);
    var cause = message(STALLED).indexOf("rehearsal failed");
    assertThat(message(STALLED).indexOf("already exists") - cause).isLessThan(300);
    var status = migration.getStatus().getRehearsal();
    assertThat(status.getResult()).isEqualTo(RehearsalStatus.FAILED);
    assertThat(status.getFailingStatement()).isEqualTo("V8__add_team_model.sql");
    assertThat(status.getSqlState()).isEqualTo("42710");
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo(Reasons.REHEARSAL_FAILED);
            });
    // Said once; nothing more while it stands, not even after the Job is deleted.
    assertThat(decide().events()).isEmpty();
    rehearsal = Optional.empty();
    var later = decide();
    assertThat(later.createRehearsal()).isFalse();
    assertThat(later.status()).isEmpty();
  }

  @Test
  void theRetryAnnotationRehearsesAgain() {
    decide();
    rehearsalEnds(FAILED_008);
    decide();
    var failedRevision = revision();

    migration.getMetadata().setAnnotations(Map.of(SchemaMigration.RETRY_ANNOTATION, "1"));
    // A new revision of the same image settles first, as any does.
    assertThat(decide().createRehearsal()).isFalse();
    now = now.plus(Decision.SETTLE);
    var plan = decide();

    assertThat(revision()).isNotEqualTo(failedRevision);
    assertThat(plan.createRehearsal()).isTrue();
    assertState(RECONCILING, Reasons.REHEARSING);
  }

  @Test
  void aPassedRehearsalStartsTheProductionJob() {
    decide();
    rehearsalEnds(passed(new TerminationReport.Change("table", "teams", "added", false)));

    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(migration.getStatus().getRehearsal().getResult()).isEqualTo(RehearsalStatus.PASSED);
    assertThat(migration.getStatus().getRehearsal().getDurationSeconds()).isEqualTo(3.1);
    assertThat(plan.events())
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(Reasons.REHEARSAL_PASSED));
    // Once the production Job exists, the rehearsal is history: it stays in status as it was.
    var next = decide();
    assertThat(next.createRehearsal()).isFalse();
    assertThat(migration.getStatus().getRehearsal().getResult()).isEqualTo(RehearsalStatus.PASSED);
  }

  @Test
  void aDestructiveChangeWaitsForTheApprovalOfItsRevision() {
    migration.getSpec().setApproval(Approval.Destructive);
    decide();
    rehearsalEnds(passed(DROP_COLUMN));

    var plan = decide();

    assertThat(plan.createJob()).isFalse();
    assertState(RECONCILING, Reasons.AWAITING_APPROVAL);
    assertThat(message(RECONCILING))
        .contains("dropped column players.division")
        .contains(
            "kubectl annotate smig -n basketball basketball-api schemagate.dev/approve="
                + revision());
    assertThat(migration.getStatus().getRehearsal().getResult())
        .isEqualTo(RehearsalStatus.WAITING_FOR_APPROVAL);

    // Another revision's approval is not this one's.
    migration
        .getMetadata()
        .setAnnotations(Map.of(SchemaMigration.APPROVE_ANNOTATION, "0000000000"));
    assertThat(decide().createJob()).isFalse();

    migration.getMetadata().setAnnotations(Map.of(SchemaMigration.APPROVE_ANNOTATION, revision()));
    var approved = decide();
    assertThat(approved.createJob()).isTrue();
    assertState(RECONCILING, Reasons.MIGRATION_RUNNING);
    assertThat(migration.getStatus().getRehearsal().getResult()).isEqualTo(RehearsalStatus.PASSED);
  }

  @Test
  void aChangeThatDropsNothingNeedsNoApprovalUnderDestructive() {
    migration.getSpec().setApproval(Approval.Destructive);
    decide();
    rehearsalEnds(passed(new TerminationReport.Change("table", "teams", "added", false)));

    assertThat(decide().createJob()).isTrue();
  }

  @Test
  void underAlwaysEveryRevisionWaits() {
    migration.getSpec().setApproval(Approval.Always);
    decide();
    rehearsalEnds(passed());

    assertThat(decide().createJob()).isFalse();
    assertState(RECONCILING, Reasons.AWAITING_APPROVAL);
    assertThat(message(RECONCILING)).contains("0 schema changes");
  }

  static final TerminationReport NO_CREATEDB =
      new TerminationReport(
          "error",
          3,
          0,
          "cannot create the scratch database x: permission denied to create database (SQLSTATE"
              + " 42501)",
          null,
          null,
          null,
          List.of(),
          0,
          Map.of(),
          0);

  @Test
  void aRehearsalThatCannotRunIsSkippedUnderAutoWithAWarning() {
    decide();
    rehearsalEnds(NO_CREATEDB);

    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertThat(migration.getStatus().getRehearsal().getResult()).isEqualTo(RehearsalStatus.SKIPPED);
    assertThat(migration.getStatus().getRehearsal().getCause()).contains("permission denied");
    assertThat(plan.events())
        .anySatisfy(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo(Reasons.REHEARSAL_SKIPPED);
              assertThat(e.message()).contains("permission denied");
            });
  }

  @Test
  void aRehearsalThatCannotRunStallsUnderRequired() {
    mode(RehearsalMode.Required);
    decide();
    rehearsalEnds(NO_CREATEDB);

    var plan = decide();

    assertThat(plan.createJob()).isFalse();
    assertState(STALLED, Reasons.REHEARSAL_CANNOT_RUN);
    assertThat(message(STALLED)).contains("permission denied").contains("mode Auto");
  }

  @Test
  void stopOldPodsStopsNothingForARehearsalThatFails() {
    migration.getSpec().setStrategy(dev.schemagate.api.Strategy.StopOldPods);

    assertThat(decide().scale()).isEmpty();
    rehearsalEnds(FAILED_008);
    assertThat(decide().scale()).isEmpty();
    assertState(STALLED, Reasons.REHEARSAL_FAILED);
  }

  @Test
  void stopOldPodsStopsTheOldVersionOnceTheRehearsalPassed() {
    migration.getSpec().setStrategy(dev.schemagate.api.Strategy.StopOldPods);
    decide();
    rehearsalEnds(passed());

    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    assertThat(plan.scale()).hasValueSatisfying(s -> assertThat(s.replicas()).isZero());
  }

  @Test
  void offGoesStraightToProduction() {
    mode(RehearsalMode.Off);

    var plan = decide();

    assertThat(plan.createRehearsal()).isFalse();
    assertThat(plan.createJob()).isTrue();
    assertThat(migration.getStatus().getRehearsal()).isNull();
  }

  @Test
  void aFailedReRunWarnsAndProductionIsMigrated() {
    decide();
    rehearsalEnds(
        new TerminationReport(
            "passed",
            0,
            2000,
            "PASSED; WARNING",
            null,
            "failed",
            new TerminationReport.Failure(
                "V8__add_team_model.sql", "42710", "ERROR: type \"agegroup\" already exists"),
            List.of(),
            0,
            Map.of(),
            0));

    var plan = decide();

    assertThat(plan.createJob()).isTrue();
    var status = migration.getStatus().getRehearsal();
    assertThat(status.getIdempotency()).isEqualTo("Failed");
    assertThat(status.getCause()).startsWith("failed when run again on its own result");
    assertThat(plan.events())
        .anySatisfy(
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.NOT_IDEMPOTENT);
              assertThat(e.message()).contains("agegroup");
            });
  }
}
