package dev.schemagate.reconcile;

import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.StatusConditions;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.reconcile.Conditions.Verdict;
import dev.schemagate.reconcile.Plan.Event;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A SchemaMigration that another, older one comes before ({@link TargetClaim}) does nothing but say
 * so: no Job, no release. Where they share a workload it lets go of any pod admission labelled for
 * it in the instant before it was refused: deleted, such a pod is re-created and held by the other.
 * Where they share only the database its pods stay held: no one else gates them, and their image is
 * not migrated.
 */
final class ClaimedByOther {
  private ClaimedByOther() {}

  static Plan plan(
      Observation observed, TargetClaim.Claim claim, SchemaMigrationStatus previous, Instant now) {
    var migration = observed.migration();
    var url = migration.getSpec().getDatabase().getUrlSecretRef();
    var reason =
        claim.workload().isPresent()
            ? Reasons.TARGET_HELD_BY_OTHER
            : Reasons.DATABASE_CLAIMED_BY_OTHER;
    var message =
        claim
            .workload()
            .map(
                w ->
                    ("%s is gated by SchemaMigration %s already; a workload takes one"
                            + " SchemaMigration: delete this one or remove %s from its"
                            + " spec.target")
                        .formatted(w, claim.other(), w))
            .orElseGet(
                () ->
                    ("database Secret %s key %s is migrated by SchemaMigration %s already; one"
                            + " migration per database at a time: gate every workload of the app"
                            + " from that one (spec.target.workloads) and delete this one")
                        .formatted(url.getName(), url.getKey(), claim.other()));
    var generation = Objects.requireNonNullElse(migration.getMetadata().getGeneration(), 0L);
    var saidBefore =
        StatusConditions.isTrueWithReason(
            previous.getConditions(), StatusConditions.STALLED, reason);
    return Plan.builder()
        .evict(
            claim.workload().isPresent()
                ? observed.heldPods().stream().map(HeldPod::name).toList()
                : List.of())
        .status(
            StatusBuilder.from(previous)
                .verdict(Verdict.stalled(reason, message), generation, now)
                .observedGeneration(generation)
                .heldPods(
                    claim.workload().isPresent() || observed.heldPods().isEmpty()
                        ? null
                        : observed.heldPods().size())
                .changed())
        .events(saidBefore ? List.of() : List.of(Event.warning(reason, message)))
        .requeue(Optional.of(Decision.RECHECK_HELD_BY_OTHER))
        .build();
  }
}
