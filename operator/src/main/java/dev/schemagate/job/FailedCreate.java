package dev.schemagate.job;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Job that cannot create its pod at all (a ResourceQuota exceeded, a LimitRange, Pod Security
 * admission): the Job controller says so only in a core/v1 Event on the Job, reason {@code
 * FailedCreate}, and the Job's status says nothing. Events are not cached (there are many), so they
 * are read with one LIST, only for a running Job that has had time to create its pod and has none.
 * Pure.
 */
public final class FailedCreate {
  public static final String REASON = "FailedCreate";

  /**
   * Long enough for the Job controller to create a pod and the pod cache to see it, so that the
   * common case costs no request.
   */
  static final Duration AFTER = Duration.ofSeconds(5);

  /** How often to look again while the Job has no pod. */
  public static final Duration INTERVAL = Duration.ofSeconds(10);

  private FailedCreate() {}

  /**
   * When to read the Job's FailedCreate Events: now (zero), later, or never (it has ended, its pod
   * exists, a problem is known already).
   *
   * @param pods the SchemaMigration's migration pods; those of the run's revision count
   */
  public static Optional<Duration> lookIn(MigrationRun run, List<Pod> pods, Instant now) {
    if (!(run.outcome() instanceof JobOutcome.Running running)
        || running.problem().isPresent()
        || run.started().isEmpty()
        || !MigrationRun.podsOf(run.revision(), pods).isEmpty()) {
      return Optional.empty();
    }
    var left = Duration.between(now, run.started().get().plus(AFTER));
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }

  /**
   * The run as the Job controller's newest FailedCreate Event of Job {@code uid} says it is (the
   * Reconciling message, status and the Stalled messages carry it as a pod's problem), looked at
   * again after {@link #INTERVAL} while it has no pod; or as it is, looked at again then, if there
   * is none.
   */
  public static MigrationRun read(MigrationRun run, String uid, List<Event> events) {
    if (!(run.outcome() instanceof JobOutcome.Running running)) {
      return run;
    }
    var problem = newest(events, uid);
    return run.withOutcome(
        new JobOutcome.Running(
            problem.map(PodProblem::describe).or(running::note),
            Optional.of(INTERVAL),
            problem,
            running.started()));
  }

  /**
   * The newest FailedCreate Event of Job {@code uid} as a problem: an Event of an earlier Job of
   * the same name (deleted, created again) is not this one's.
   */
  static Optional<PodProblem> newest(List<Event> events, String uid) {
    return events.stream()
        .filter(e -> REASON.equals(e.getReason()))
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && Objects.equals(uid, e.getInvolvedObject().getUid()))
        .max(Comparator.comparing(FailedCreate::lastSeen))
        .map(e -> new PodProblem(null, REASON, e.getMessage()));
  }

  /** When the Event was last seen, however its reporter wrote it; the epoch if not at all. */
  static Instant lastSeen(Event e) {
    return Stream.of(
            e.getSeries() == null || e.getSeries().getLastObservedTime() == null
                ? null
                : e.getSeries().getLastObservedTime().getTime(),
            e.getLastTimestamp(),
            e.getEventTime() == null ? null : e.getEventTime().getTime(),
            e.getFirstTimestamp(),
            e.getMetadata() == null ? null : e.getMetadata().getCreationTimestamp())
        .filter(t -> t != null && !t.isBlank())
        .map(Instant::parse)
        .max(Comparator.naturalOrder())
        .orElse(Instant.EPOCH);
  }
}
