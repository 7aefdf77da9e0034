package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigrationStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one reconcile does. Empty parts mean no API call.
 *
 * @param createJob create the Job of status.revision for status.image
 * @param release held pods to release: their image has been migrated
 * @param evict ungated pods of an unmigrated image to delete, so that their ReplicaSet makes held
 *     ones
 * @param nudge make the target's refused ReplicaSets of these images try again
 * @param scale strategy StopOldPods: set the Deployment's spec.replicas
 * @param status the new status, empty when it is unchanged
 * @param events what happened, beside the events of the actions themselves
 * @param requeue decide again after this long, though nothing changed
 */
public record Plan(
    boolean createJob,
    List<String> release,
    List<String> evict,
    Optional<Nudge> nudge,
    Optional<Scale> scale,
    Optional<SchemaMigrationStatus> status,
    List<Event> events,
    Optional<Duration> requeue) {

  /** {@code token} identifies the refusal, so that each is answered once. */
  public record Nudge(Set<String> images, String token) {}

  public record Scale(int replicas, Event event) {}

  public record Event(boolean warning, String reason, String message) {
    static Event normal(String reason, String message) {
      return new Event(false, reason, message);
    }

    static Event warning(String reason, String message) {
      return new Event(true, reason, message);
    }
  }
}
