package dev.schemagate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.reconcile.Decision;
import dev.schemagate.reconcile.MigrationSource;
import dev.schemagate.reconcile.Observation;
import dev.schemagate.reconcile.Plan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The metrics of a story told through the real decision: what each reconcile counts, and that a
 * reconcile repeated on a stale cache counts nothing twice.
 */
class MigrationMetricsTest {
  static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
  static final String V17 = "registry.example.com/basketball-api:1.7";
  static final JobOutcome FAILED =
      new JobOutcome.Failed(
          "BackoffLimitExceeded",
          "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists");

  final SettableClock clock = new SettableClock(T0);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final MigrationMetrics metrics = new MigrationMetrics(registry, clock);

  final SchemaMigration migration = Fixtures.unrehearsed(Fixtures.flywayMigration());
  final Map<String, MigrationRun> jobs = new LinkedHashMap<>();
  final List<HeldPod> held = new ArrayList<>();

  @Test
  void aSucceededMigrationCountsOnceWithItsDurationAndTheReleaseLatencyOfEachHeldPod() {
    podsHeld(2, T0);
    reconcile(T0);
    assertThat(heldPods()).isEqualTo(2);
    clock.set(T0.plusSeconds(30));
    assertThat(oldestHeldAge()).as("age grows between reconciles").isEqualTo(30.0);

    jobEnds(JobOutcome.Succeeded::new, T0.plusSeconds(1), T0.plusSeconds(43));
    var stale = observationAsNow();
    var plan = reconcile(T0.plusSeconds(45));
    assertThat(plan.release()).hasSize(2);
    // The informers have not caught up: the same observation again, and its plan.
    metrics.reconciled(Decision.decide(stale, T0.plusSeconds(46)).reconciled(stale));
    reconcile(T0.plusSeconds(47));

    assertThat(migrations("succeeded")).isEqualTo(1);
    assertThat(migrations("failed")).isZero();
    var duration = registry.get(MigrationMetrics.MIGRATION_DURATION).tag("result", "succeeded");
    assertThat(duration.timer().count()).isEqualTo(1);
    assertThat(duration.timer().totalTime(TimeUnit.SECONDS)).isEqualTo(42.0);
    var latency = registry.get(MigrationMetrics.RELEASE_LATENCY).timer();
    assertThat(latency.count()).as("one per released pod").isEqualTo(2);
    assertThat(latency.max(TimeUnit.SECONDS)).isEqualTo(2.0);
    assertThat(heldPods()).isZero();
    assertThat(oldestHeldAge()).isZero();
    assertThat(stalled()).isZero();
  }

  @Test
  void aFailedMigrationCountsOnceAndStallsUntilARetryWhoseFailureCountsAgain() {
    reconcile(T0);
    jobEnds(() -> FAILED, T0, T0.plusSeconds(5));
    reconcile(T0.plusSeconds(6));
    assertThat(migrations("failed")).isEqualTo(1);
    assertThat(stalled()).isEqualTo(1);
    // Reconciles of the same failure (a requeue, the pod's message read later) count nothing.
    var firstJob = migration.getStatus().getJob();
    jobs.put(
        firstJob,
        new MigrationRun(
            firstJob,
            jobs.get(firstJob).revision(),
            V17,
            new JobOutcome.Failed("BackoffLimitExceeded", "a better message"),
            Optional.of(T0),
            Optional.of(T0.plusSeconds(5))));
    reconcile(T0.plusSeconds(7));
    reconcile(T0.plusSeconds(8));
    assertThat(migrations("failed")).isEqualTo(1);
    var duration = registry.get(MigrationMetrics.MIGRATION_DURATION).tag("result", "failed");
    assertThat(duration.timer().totalTime(TimeUnit.SECONDS)).isEqualTo(5.0);

    // The retry annotation: a new revision, a new Job, which fails too.
    migration.getMetadata().setAnnotations(Map.of(SchemaMigration.RETRY_ANNOTATION, "1"));
    reconcile(T0.plusSeconds(60));
    reconcile(T0.plusSeconds(63)); // past the settle wait: the Job starts
    assertThat(migration.getStatus().getJob()).isNotEqualTo(firstJob);
    jobEnds(() -> FAILED, T0.plusSeconds(63), T0.plusSeconds(70));
    reconcile(T0.plusSeconds(71));
    assertThat(migrations("failed")).isEqualTo(2);
    assertThat(migrations("succeeded")).isZero();
  }

  @Test
  void bothResultsStartAtZeroAndADeletedMigrationTakesItsSeriesAlong() {
    reconcile(T0);
    assertThat(migrations("succeeded")).isZero();
    assertThat(migrations("failed")).isZero();
    assertThat(registry.find(MigrationMetrics.HELD_PODS).gauges()).hasSize(1);

    metrics.deleted(migration);
    assertThat(registry.find(MigrationMetrics.MIGRATIONS).counters()).isEmpty();
    assertThat(registry.find(MigrationMetrics.HELD_PODS).gauges()).isEmpty();
    assertThat(registry.find(MigrationMetrics.OLDEST_HELD_POD_AGE).gauges()).isEmpty();
    assertThat(registry.find(MigrationMetrics.STALLED).gauges()).isEmpty();
  }

  // --- the world: what the API server and admission would make of each plan -------------------

  Observation observation() {
    return observation(migration);
  }

  /** What the caches say now, kept as it is while the world moves on. */
  Observation observationAsNow() {
    var copy = new SchemaMigration();
    copy.setMetadata(migration.getMetadata());
    copy.setSpec(migration.getSpec());
    copy.setStatus(migration.getStatus());
    return observation(copy);
  }

  Observation observation(SchemaMigration migration) {
    var deployment = Optional.of(Fixtures.target(V17, 2, 0));
    return Observation.builder(
            migration,
            MigrationSource.resolve(
                migration,
                Fixtures.migrationsUpToV8(),
                deployment.map(TargetWorkload::of).stream().toList()))
        .runs(List.copyOf(jobs.values()))
        .deployment(deployment)
        .heldPods(held)
        .mechanism(HoldMechanism.SchedulingGate)
        .build();
  }

  Plan reconcile(Instant now) {
    clock.set(now);
    var observed = observation();
    var plan = Decision.decide(observed, now);
    metrics.reconciled(plan.reconciled(observed));
    plan.status().ifPresent(migration::setStatus);
    if (plan.createJob()) {
      var status = migration.getStatus();
      jobs.put(
          status.getJob(),
          new MigrationRun(
              status.getJob(),
              status.getRevision(),
              status.getImage(),
              new JobOutcome.Running(Optional.empty()),
              Optional.of(now),
              Optional.empty()));
    }
    held.removeIf(p -> plan.release().contains(p.name()));
    return plan;
  }

  void jobEnds(java.util.function.Supplier<JobOutcome> outcome, Instant started, Instant ended) {
    var run = jobs.get(migration.getStatus().getJob());
    jobs.put(
        run.job(),
        new MigrationRun(
            run.job(),
            run.revision(),
            run.image(),
            outcome.get(),
            Optional.of(started),
            Optional.of(ended)));
  }

  void podsHeld(int count, Instant created) {
    for (var i = 0; i < count; i++) {
      held.add(new HeldPod("basketball-api-" + held.size(), V17, Optional.of(created)));
    }
  }

  double migrations(String result) {
    return registry
        .get(MigrationMetrics.MIGRATIONS)
        .tags("namespace", "basketball", "name", "basketball-api", "result", result)
        .counter()
        .count();
  }

  double heldPods() {
    return registry.get(MigrationMetrics.HELD_PODS).tag("name", "basketball-api").gauge().value();
  }

  double oldestHeldAge() {
    return registry.get(MigrationMetrics.OLDEST_HELD_POD_AGE).gauge().value();
  }

  double stalled() {
    return registry.get(MigrationMetrics.STALLED).gauge().value();
  }

  static final class SettableClock extends Clock {
    private Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
