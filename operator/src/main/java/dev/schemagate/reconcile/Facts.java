package dev.schemagate.reconcile;

import dev.schemagate.api.LastPodProblem;
import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.MigrationRun;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * What the rules of a runnable migration read, derived once from the observation before any rule
 * runs: the wanted revision, its Job and what became of it, and what else is in flight.
 */
final class Facts {
  final SchemaMigration migration;
  final SchemaMigrationStatus previous;
  final MigrationSource.Valid wanted;

  /** The target's workloads that exist, in order: a Valid source has at least one. */
  final List<TargetWorkload> workloads;

  final String jobName;

  /** What became of the wanted revision's Job; Absent when there is none. */
  final JobOutcome outcome;

  /** Another of the SchemaMigration's Jobs still running: one migration runs at a time. */
  final Optional<MigrationRun> blocking;

  /** When the wanted revision started settling, if it does (see {@link Decision#SETTLE}). */
  final String settlingSince;

  /** The time left before the wanted revision's Job may start, if any. */
  final Optional<Duration> settle;

  /** The wanted revision's Job, read by name outside the selector. */
  final Optional<Observation.UnwatchedJob> unwatched;

  /** Whether the wanted revision has succeeded. */
  final boolean done;

  final Hold hold;

  /** Why the wanted revision's pod has not started, as status keeps it (see {@link PodStart}). */
  final LastPodProblem podProblem;

  /** Where the wanted revision's rehearsal stands. */
  final Rehearsing rehearsing;

  /** When a pod problem only a change fixes stalls the migration (zero: now), if it does. */
  final Optional<Duration> podStallsIn;

  /** The facts of a runnable migration; none for a source that cannot run. */
  static Optional<Facts> of(
      Observation observed,
      SchemaMigrationStatus previous,
      List<MigratedImage> migrated,
      List<HeldPod> stillHeld,
      Instant now) {
    return observed.source() instanceof MigrationSource.Valid
        ? Optional.of(new Facts(observed, previous, migrated, stillHeld, now))
        : Optional.empty();
  }

  private Facts(
      Observation observed,
      SchemaMigrationStatus previous,
      List<MigratedImage> migrated,
      List<HeldPod> stillHeld,
      Instant now) {
    this.migration = observed.migration();
    this.previous = previous;
    this.wanted = (MigrationSource.Valid) observed.source();
    this.workloads = observed.workloads();
    this.jobName = MigrationJob.name(migration.getMetadata().getName(), wanted.revision());
    this.outcome =
        observed.runs().stream()
            .filter(r -> r.job().equals(jobName))
            .findFirst()
            .map(MigrationRun::outcome)
            .orElseGet(JobOutcome.Absent::new);
    this.blocking =
        observed.runs().stream()
            .filter(r -> !r.job().equals(jobName) && r.outcome() instanceof JobOutcome.Running)
            .findFirst();
    this.settlingSince = settlingSince(wanted, previous, now);
    // A Job not yet started for a new revision of the same image may wait for a new image.
    this.settle =
        absent() && !jobName.equals(previous.getJob())
            ? settling(settlingSince, now)
            : Optional.empty();
    this.unwatched = observed.unwatchedJob().filter(j -> j.name().equals(jobName));
    this.done = migrated.stream().anyMatch(m -> m.getRevision().equals(wanted.revision()));
    this.hold = new Hold(observed.mechanism(), workloads, wanted.image(), migrated, stillHeld);
    this.podProblem =
        done ? null : PodStart.track(previous.getLastPodProblem(), jobName, outcome, now);
    this.podStallsIn = PodStart.stallsIn(podProblem, outcome, now);
    this.rehearsing =
        Rehearsing.of(
            migration,
            previous,
            wanted.revision(),
            observed.rehearsal().filter(r -> r.revision().equals(wanted.revision())),
            absent() && !done);
  }

  /** No Job of the wanted revision is known. */
  boolean absent() {
    return outcome instanceof JobOutcome.Absent;
  }

  /** Only a new revision for the same image settles: a new image is the release itself. */
  private static String settlingSince(
      MigrationSource.Valid wanted, SchemaMigrationStatus previous, Instant now) {
    if (wanted.revision().equals(previous.getRevision())) {
      return previous.getSettlingSince();
    }
    return wanted.image().equals(previous.getImage())
        ? now.truncatedTo(ChronoUnit.MILLIS).toString()
        : null;
  }

  private static Optional<Duration> settling(String since, Instant now) {
    if (since == null) {
      return Optional.empty();
    }
    var left = Duration.between(now, Instant.parse(since).plus(Decision.SETTLE));
    return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
  }
}
