package dev.schemagate.reconcile;

import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.StatusConditions;
import dev.schemagate.api.WorkloadStatus;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.reconcile.Conditions.Verdict;
import dev.schemagate.reconcile.Plan.Event;
import dev.schemagate.reconcile.Plan.Nudge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole of SchemaGate's judgement: observed state in, actions out. No I/O.
 *
 * <p>The rule: a pod of the target whose app image has been migrated runs; a pod of any other image
 * is held until the migration for that image succeeds. Images once migrated stay admitted, so the
 * version already running keeps serving and its replaced pods start.
 *
 * <p>{@link #decide} composes the rules: the Jobs that succeeded join the migrated images ({@link
 * Absorbed}), the hold releases and evicts pods ({@link Pods}), the first of the {@link Rules} that
 * fires gives the verdict, {@link StopOldPods} scales, and one {@link StatusBuilder} seeded from
 * the previous status writes down the result.
 */
public final class Decision {
  /** How many migrated images status keeps (the Deployment's own revision history is 10). */
  static final int MIGRATED_KEPT = 10;

  /**
   * How long a new revision for the image already wanted (changed migrations, a retry) waits before
   * its Job starts. A release usually changes the migrations' ConfigMap and the Deployment's image
   * in one apply, ConfigMap first: waiting for the image runs one Job (for the new image) instead
   * of two.
   */
  static final Duration SETTLE = Duration.ofSeconds(2);

  /**
   * How often a SchemaMigration refused for a workload or database another one claims looks again:
   * nothing of the other's deletion reaches it otherwise.
   */
  static final Duration RECHECK_HELD_BY_OTHER = Duration.ofSeconds(30);

  /**
   * How often a SchemaMigration whose Job was edited out of the selector looks again: that Job's
   * deletion sends no event.
   */
  static final Duration RECHECK_UNWATCHED_JOB = Duration.ofSeconds(30);

  private Decision() {}

  /**
   * The Job to read by name before deciding: the one an earlier reconcile found outside the
   * selector, while the cache still lacks it. Read until it is deleted (a new Job runs) or its
   * labels are restored (the cache has it again).
   */
  public static Optional<String> unwatchedJobToRecheck(
      SchemaMigrationStatus status, List<MigrationRun> runs) {
    return Optional.ofNullable(status)
        .filter(
            s ->
                StatusConditions.isTrueWithReason(
                    s.getConditions(), StatusConditions.STALLED, Reasons.JOB_NOT_MANAGED))
        .map(SchemaMigrationStatus::getJob)
        .filter(job -> runs.stream().noneMatch(r -> r.job().equals(job)));
  }

  public static Plan decide(Observation observed, Instant now) {
    var migration = observed.migration();
    var previous = previous(migration);
    if (observed.claimedBy().isPresent()) {
      return ClaimedByOther.plan(observed, observed.claimedBy().get(), previous, now);
    }
    var absorbed = Absorbed.of(observed.runs(), previous);
    var pods = Pods.hold(observed, absorbed.images());
    var facts = Facts.of(observed, previous, absorbed.migrated(), pods.kept(), now);
    var ruling =
        observed.source() instanceof MigrationSource.Invalid invalid
            ? Rules.stallOnInvalidSource(invalid, previous)
            : Rules.first(facts.orElseThrow());
    var stop = facts.map(StopOldPods::of).orElseGet(() -> StopOldPods.unchanged(previous));
    var generation = migration.getMetadata().getGeneration();
    var status =
        StatusBuilder.from(previous)
            .observedGeneration(generation)
            .appliedRevision(absorbed.appliedRevision(previous))
            .migrated(absorbed.migrated())
            .holdMechanism(observed.mechanism().name())
            .heldPods(pods.stillHeld() == 0 ? null : pods.stillHeld())
            .workloads(workloads(observed.workloads(), pods.kept()))
            .stoppedReplicas(stop.stoppedReplicas());
    facts.ifPresent(
        f ->
            status
                .revision(f.wanted.revision())
                .image(f.wanted.image())
                .settlingSince(f.settlingSince)
                .lastPodProblem(f.podProblem)
                .rehearsal(f.rehearsing.status()));
    ruling.job().ifPresent(status::job);
    status.verdict(ruling.verdict(), Objects.requireNonNullElse(generation, 0L), now);
    return Plan.builder()
        .createJob(ruling.createJob())
        .release(pods.release())
        .evict(pods.evict())
        .nudge(nudge(observed, absorbed.images()))
        .scale(stop.scale())
        .status(status.changed())
        .events(events(absorbed, pods, ruling, facts))
        .requeue(ruling.requeue())
        .createRehearsal(ruling.createRehearsal())
        .build();
  }

  /**
   * The Events in the order they happened. A release that follows from this reconcile's migration
   * is part of that one transition: one Event says both (an Event is an API write; a user looks for
   * the migration).
   */
  private static List<Event> events(
      Absorbed absorbed, Pods pods, Ruling ruling, Optional<Facts> facts) {
    var events = new ArrayList<>(absorbed.events());
    pods.evicted().ifPresent(events::add);
    facts.ifPresent(
        f -> events.addAll(RehearsalRules.events(f.previous.getRehearsal(), f.rehearsing)));
    events.addAll(ruling.events());
    pods.released()
        .ifPresent(
            released -> {
              if (absorbed.events().isEmpty()) {
                events.add(Event.normal(Reasons.RELEASED, "Released " + released));
              } else {
                var migrated = absorbed.events().get(0);
                events.set(
                    0,
                    Event.normal(migrated.reason(), migrated.message() + "; released " + released));
              }
            });
    return events;
  }

  /** A refused ReplicaSet of a migrated image is told to try again. */
  private static List<Nudge> nudge(Observation observed, Set<String> migrated) {
    return observed.workloads().stream()
        .filter(w -> w.image().filter(migrated::contains).isPresent())
        .flatMap(
            w ->
                w.deployment().flatMap(TargetDeployment::replicaFailure).stream()
                    .map(failure -> new Nudge(w.name(), w.ref().container(), migrated, failure)))
        .toList();
  }

  /** What is held where, for status: each workload's image and its pods still held. */
  static List<WorkloadStatus> workloads(List<TargetWorkload> workloads, List<HeldPod> kept) {
    return workloads.stream()
        .map(
            w -> {
              var held =
                  kept.stream().filter(p -> p.workload().equals(Optional.of(w.ref()))).count();
              return new WorkloadStatus(
                  w.kind(), w.name(), w.image().orElse(null), held == 0 ? null : (int) held);
            })
        .toList();
  }

  /**
   * The status an unexpected error leaves: what was known before, Reconciling with the error, for
   * the generation now observed. JOSDK retries with back-off.
   */
  public static SchemaMigrationStatus onError(
      SchemaMigration migration, String error, Instant now) {
    var previous = previous(migration);
    return StatusBuilder.from(previous)
        .verdict(
            Verdict.reconciling(Reasons.RECONCILE_ERROR, "Retrying after error: " + error),
            // The conditions speak of the status they sit in: its observedGeneration, not the
            // spec's newest, which this reconcile never got to judge.
            Objects.requireNonNullElse(previous.getObservedGeneration(), 0L),
            now)
        .build();
  }

  private static SchemaMigrationStatus previous(SchemaMigration migration) {
    return Objects.requireNonNullElseGet(migration.getStatus(), SchemaMigrationStatus::new);
  }
}
