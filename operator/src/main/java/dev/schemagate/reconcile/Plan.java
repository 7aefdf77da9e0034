package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigrationStatus;
import java.util.List;
import java.util.Optional;

/**
 * What one reconcile does. Empty parts mean no API call.
 *
 * @param createJob create the Job of status.revision
 * @param scale set the Deployment's spec.replicas
 * @param status the new status, empty when it is unchanged
 * @param events what happened, beside the events of the actions themselves
 */
public record Plan(
    boolean createJob,
    Optional<Scale> scale,
    Optional<SchemaMigrationStatus> status,
    List<Event> events) {

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
