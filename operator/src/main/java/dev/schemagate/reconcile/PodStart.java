package dev.schemagate.reconcile;

import dev.schemagate.api.LastPodProblem;
import dev.schemagate.job.FailedCreate;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.PodProblem;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A migration pod that cannot start, across reconciles: its cause is kept in status (the Job
 * controller deletes the pod at the deadline, and the cause with it), a cause only a change fixes
 * stalls after {@link #STALL_AFTER} rather than at the deadline, and a Job that failed at its
 * deadline without its pod ever starting says why. Pure.
 */
final class PodStart {
  /**
   * How long a configuration error (a missing Secret, ConfigMap or key, an image name no runtime
   * parses) lasts before the migration is Stalled: long enough for a Secret applied just after the
   * SchemaMigration, and a tenth of the Job's default deadline.
   */
  static final Duration STALL_AFTER = Duration.ofSeconds(60);

  private PodStart() {}

  /**
   * What status keeps of the pod problem of Job {@code job}, whose run is {@code outcome}: the
   * problem seen now, since when its reason is seen; the one seen before while none is seen now
   * (the pod may be gone); none once the migration's container has run.
   */
  static LastPodProblem track(
      LastPodProblem previous, String job, JobOutcome outcome, Instant now) {
    var kept = previous != null && job.equals(previous.getJob()) ? previous : null;
    if (!(outcome instanceof JobOutcome.Running running) || running.problem().isEmpty()) {
      return outcome instanceof JobOutcome.Running r && r.started() ? null : kept;
    }
    var problem = running.problem().get();
    var since =
        kept != null && problem.reason().equals(kept.getReason())
            ? kept.getSince()
            : now.truncatedTo(ChronoUnit.MILLIS).toString();
    return new LastPodProblem(job, problem.reason(), problem.cause(), since);
  }

  /**
   * The Stalled message for a problem seen now that only a change fixes, once it has lasted {@link
   * #STALL_AFTER}; else when to look again (nothing changes in the pod meanwhile), if ever.
   */
  static Optional<Duration> stallsIn(LastPodProblem problem, JobOutcome outcome, Instant now) {
    if (!(outcome instanceof JobOutcome.Running running)
        || running.problem().isEmpty()
        || problem == null
        || !PodProblem.configuration(problem.getReason())) {
      return Optional.empty();
    }
    var left = Duration.between(now, Instant.parse(problem.getSince()).plus(STALL_AFTER));
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }

  static String stalled(LastPodProblem problem, String job) {
    return ("Job \"%s\" cannot %s its pod: %s (%s for %d s). Fix what it names: the pod starts"
            + " once it can, until the Job's deadline")
        .formatted(
            job,
            FailedCreate.REASON.equals(problem.getReason()) ? "create" : "start",
            problem.getMessage(),
            problem.getReason(),
            STALL_AFTER.toSeconds());
  }

  /**
   * For a Job that failed at its deadline with its pod never started: the cause last seen, as the
   * failure's cause.
   */
  static Optional<String> neverStarted(
      LastPodProblem problem, String job, JobOutcome.Failed failed, long deadlineSeconds) {
    if (problem == null
        || !job.equals(problem.getJob())
        || !"DeadlineExceeded".equals(failed.reason())) {
      return Optional.empty();
    }
    return Optional.of(
        "DeadlineExceeded after %d s; the pod never started: %s (%s)"
            .formatted(
                deadlineSeconds,
                Objects.requireNonNullElse(problem.getMessage(), problem.getReason()),
                problem.getReason()));
  }
}
