package dev.schemagate.metrics;

import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.StatusConditions;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.job.MigrationRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What SchemaGate's metrics read from one reconcile: the transitions it made (from the status
 * before to the status planned, so that a reconcile that changes nothing counts nothing), and the
 * state after it. Pure.
 *
 * @param finished migrations whose outcome this reconcile put into status
 * @param released held pods this reconcile releases
 * @param heldPods pods still held after it
 * @param oldestHeldSince creation time of the oldest of them
 * @param stalled whether the Stalled condition is True after it
 */
public record MetricsReading(
    List<FinishedMigration> finished,
    List<ReleasedPod> released,
    int heldPods,
    Optional<Instant> oldestHeldSince,
    boolean stalled) {

  public enum Result {
    SUCCEEDED,
    FAILED;

    /** The value of the {@code result} label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A migration Job's outcome; {@code duration} from its start to its end, when both are known. */
  public record FinishedMigration(String job, Result result, Optional<Duration> duration) {}

  /** A released pod; {@code latency} from its image's migration end to now, when known. */
  public record ReleasedPod(String pod, Optional<Duration> latency) {}

  public static MetricsReading of(Reconciled reconciled, Instant now) {
    var before =
        Objects.requireNonNullElseGet(
            reconciled.migration().getStatus(), SchemaMigrationStatus::new);
    var after = Objects.requireNonNullElse(reconciled.after(), before);
    var runs = reconciled.runs();

    var finished = new ArrayList<FinishedMigration>();
    for (var entry : after.getMigrated()) {
      if (!before.getMigrated().contains(entry)) {
        var run = runOf(runs, entry);
        finished.add(
            new FinishedMigration(
                run.map(MigrationRun::job).orElse(entry.getRevision()),
                Result.SUCCEEDED,
                run.flatMap(MetricsReading::duration)));
      }
    }
    // A failure is new when Stalled turns MigrationFailed, or names another Job than before.
    if (failed(after)
        && after.getJob() != null
        && !(failed(before) && after.getJob().equals(before.getJob()))) {
      var run = runs.stream().filter(r -> r.job().equals(after.getJob())).findFirst();
      finished.add(
          new FinishedMigration(
              after.getJob(), Result.FAILED, run.flatMap(MetricsReading::duration)));
    }

    var releasing = new HashSet<>(reconciled.released());
    var released = new ArrayList<ReleasedPod>();
    var held = new ArrayList<HeldPod>();
    for (var pod : reconciled.heldPods()) {
      if (!releasing.contains(pod.name())) {
        held.add(pod);
        continue;
      }
      var migrationEnd =
          after.getMigrated().stream()
              .filter(m -> m.getImage().equals(pod.image()))
              .findFirst()
              .flatMap(m -> runOf(runs, m))
              .flatMap(MigrationRun::finished);
      released.add(new ReleasedPod(pod.name(), migrationEnd.map(end -> nonNegative(end, now))));
    }
    var oldest = held.stream().flatMap(p -> p.created().stream()).min(Instant::compareTo);
    return new MetricsReading(
        List.copyOf(finished), List.copyOf(released), held.size(), oldest, stalled(after));
  }

  private static Optional<MigrationRun> runOf(List<MigrationRun> runs, MigratedImage entry) {
    return runs.stream()
        .filter(
            r ->
                Objects.equals(r.revision(), entry.getRevision())
                    && Objects.equals(r.image(), entry.getImage()))
        .findFirst();
  }

  private static Optional<Duration> duration(MigrationRun run) {
    return run.started().flatMap(start -> run.finished().map(end -> nonNegative(start, end)));
  }

  /** Clocks of the API server and of this process may differ a little: never below zero. */
  private static Duration nonNegative(Instant from, Instant to) {
    var d = Duration.between(from, to);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static boolean failed(SchemaMigrationStatus status) {
    return StatusConditions.isTrueWithReason(
        status.getConditions(), StatusConditions.STALLED, Reasons.MIGRATION_FAILED);
  }

  private static boolean stalled(SchemaMigrationStatus status) {
    return StatusConditions.isTrue(status.getConditions(), StatusConditions.STALLED);
  }
}
