package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.metrics.Reconciled;
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
 * @param nudge make the target Deployments' refused ReplicaSets of these images try again
 * @param scale strategy StopOldPods: set the Deployment's spec.replicas
 * @param status the new status, empty when it is unchanged
 * @param events what happened, beside the events of the actions themselves
 * @param requeue decide again after this long, though nothing changed
 * @param createRehearsal create the rehearsal Job of status.rehearsal
 */
public record Plan(
    boolean createJob,
    List<String> release,
    List<String> evict,
    List<Nudge> nudge,
    Optional<Scale> scale,
    Optional<SchemaMigrationStatus> status,
    List<Event> events,
    Optional<Duration> requeue,
    boolean createRehearsal) {

  /**
   * {@code token} identifies the refusal, so that each is answered once.
   *
   * @param container the Deployment's app container as configured (null: the first)
   */
  public record Nudge(String deployment, String container, Set<String> images, String token) {}

  public record Scale(String deployment, int replicas, Event event) {}

  public record Event(boolean warning, String reason, String message) {
    static Event normal(String reason, String message) {
      return new Event(false, reason, message);
    }

    static Event warning(String reason, String message) {
      return new Event(true, reason, message);
    }
  }

  /** What this plan, decided from {@code observed}, changes, as the metrics count it. */
  public Reconciled reconciled(Observation observed) {
    return new Reconciled(
        observed.migration(),
        status.orElse(observed.migration().getStatus()),
        observed.runs(),
        observed.heldPods(),
        release);
  }

  /** A plan that does nothing but what is set on the builder. */
  static Builder builder() {
    return new Builder();
  }

  static final class Builder {
    private boolean createJob;
    private List<String> release = List.of();
    private List<String> evict = List.of();
    private List<Nudge> nudge = List.of();
    private Optional<Scale> scale = Optional.empty();
    private Optional<SchemaMigrationStatus> status = Optional.empty();
    private List<Event> events = List.of();
    private Optional<Duration> requeue = Optional.empty();
    private boolean createRehearsal;

    private Builder() {}

    Builder createRehearsal(boolean createRehearsal) {
      this.createRehearsal = createRehearsal;
      return this;
    }

    Builder createJob(boolean createJob) {
      this.createJob = createJob;
      return this;
    }

    Builder release(List<String> release) {
      this.release = List.copyOf(release);
      return this;
    }

    Builder evict(List<String> evict) {
      this.evict = List.copyOf(evict);
      return this;
    }

    Builder nudge(List<Nudge> nudge) {
      this.nudge = nudge;
      return this;
    }

    Builder scale(Optional<Scale> scale) {
      this.scale = scale;
      return this;
    }

    Builder status(Optional<SchemaMigrationStatus> status) {
      this.status = status;
      return this;
    }

    Builder events(List<Event> events) {
      this.events = List.copyOf(events);
      return this;
    }

    Builder requeue(Optional<Duration> requeue) {
      this.requeue = requeue;
      return this;
    }

    Plan build() {
      return new Plan(
          createJob, release, evict, nudge, scale, status, events, requeue, createRehearsal);
    }
  }
}
