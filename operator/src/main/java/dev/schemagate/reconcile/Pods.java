package dev.schemagate.reconcile;

import dev.schemagate.api.Reasons;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.reconcile.Plan.Event;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The hold, pod by pod: a held pod of a migrated image is released; a pod of an unmigrated image
 * that started before it could be held is deleted, so that its ReplicaSet makes a held one.
 *
 * @param release held pods to release
 * @param evict stray pods to delete
 * @param kept the held pods that stay held
 * @param evicted the Event that says which were deleted, if any were
 * @param released what was released, said as an Event continues, if any was
 */
record Pods(
    List<String> release,
    List<String> evict,
    List<HeldPod> kept,
    Optional<Event> evicted,
    Optional<String> released) {

  static Pods hold(Observation observed, Set<String> migrated) {
    var release =
        observed.heldPods().stream()
            .filter(p -> migrated.contains(p.image()))
            .map(HeldPod::name)
            .toList();
    var evict =
        observed.strayPods().stream()
            .filter(p -> !migrated.contains(p.image()))
            .map(HeldPod::name)
            .toList();
    var evicted =
        evict.isEmpty()
            ? Optional.<Event>empty()
            : Optional.of(
                Event.warning(
                    Reasons.EVICTED,
                    ("Deleted %d pod(s) of unmigrated image(s) %s that started before they could"
                            + " be held; their ReplicaSet makes held ones")
                        .formatted(evict.size(), images(observed.strayPods(), image -> true))));
    var released =
        release.isEmpty()
            ? Optional.<String>empty()
            : Optional.of(
                "%d held pod(s) of migrated image(s) %s"
                    .formatted(release.size(), images(observed.heldPods(), migrated::contains)));
    var kept = observed.heldPods().stream().filter(p -> !migrated.contains(p.image())).toList();
    return new Pods(release, evict, kept, evicted, released);
  }

  /** How many held pods stay held. */
  int stillHeld() {
    return kept.size();
  }

  private static Set<String> images(List<HeldPod> pods, Predicate<String> which) {
    return pods.stream()
        .map(HeldPod::image)
        .filter(which)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
