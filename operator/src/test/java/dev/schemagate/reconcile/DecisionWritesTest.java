package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.StatusConditions;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.MigrationRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The order of a decision's first writes, and the second decision after a create that finds the
 * Job's name taken: what the shell does with the API server, against a writer that notes each call.
 */
class DecisionWritesTest {
  static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
  static final String V17 = "registry.example.com/basketball-api:1.7";

  final SchemaMigration migration = Fixtures.unrehearsed(Fixtures.flywayMigration());
  final List<String> calls = new ArrayList<>();
  final List<SchemaMigrationStatus> written = new ArrayList<>();
  Optional<Observation.UnwatchedJob> taken = Optional.empty();

  final DecisionWrites.Writer writer =
      new DecisionWrites.Writer() {
        @Override
        public void status(SchemaMigrationStatus status) {
          calls.add("status");
          written.add(status);
        }

        @Override
        public Optional<Observation.UnwatchedJob> createJob(SchemaMigrationStatus status) {
          calls.add("createJob " + status.getJob());
          return taken;
        }

        @Override
        public void createRehearsal(SchemaMigrationStatus status) {
          calls.add("createRehearsal " + status.getRehearsal().getJob());
        }

        @Override
        public void decided(Observation observed, Plan plan) {
          calls.add("decided" + (observed.unwatchedJob().isPresent() ? " knowing the Job" : ""));
        }
      };

  Plan decideAndWrite(MigrationRun... runs) {
    var deployment = Optional.of(Fixtures.target(V17, 3, 3));
    var observed =
        Observation.builder(
                migration,
                MigrationSource.resolve(
                    migration,
                    Fixtures.migrationsUpToV8(),
                    deployment.map(TargetWorkload::of).stream().toList()))
            .deployment(deployment)
            .runs(List.of(runs))
            .build();
    return DecisionWrites.decideAndWrite(observed, T0, writer);
  }

  @Test
  void theStatusIsWrittenBeforeTheJobIsCreated() {
    var plan = decideAndWrite();

    assertThat(plan.createJob()).isTrue();
    var job = written.get(0).getJob();
    assertThat(calls).containsExactly("status", "decided", "createJob " + job);
  }

  @Test
  void aJobOfThatNameOutsideTheSelectorMakesTheDecisionAgainKnowingIt() {
    var job =
        MigrationJob.name("basketball-api", decideAndWrite().status().orElseThrow().getRevision());
    calls.clear();
    written.clear();
    taken =
        Optional.of(
            new Observation.UnwatchedJob(
                job, List.of(MigrationJob.MANAGED_BY_LABEL + "=schemagate")));

    var plan = decideAndWrite();

    assertThat(calls)
        .containsExactly(
            "status", "decided", "createJob " + job, "status", "decided knowing the Job");
    assertThat(plan.createJob()).isFalse();
    assertThat(plan.requeue()).contains(Decision.RECHECK_UNWATCHED_JOB);
    assertThat(
            StatusConditions.isTrueWithReason(
                written.get(1).getConditions(), StatusConditions.STALLED, Reasons.JOB_NOT_MANAGED))
        .isTrue();
  }

  @Test
  void aJobAlreadyRunningAndAStatusAlreadyWrittenMeanNoWrite() {
    var status = decideAndWrite().status().orElseThrow();
    migration.setStatus(status);
    calls.clear();

    decideAndWrite(
        new MigrationRun(
            status.getJob(),
            status.getRevision(),
            status.getImage(),
            new JobOutcome.Running(Optional.empty())));

    assertThat(calls).containsExactly("decided");
  }
}
