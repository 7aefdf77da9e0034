package dev.schemagate.reconcile;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.StatusConditions;
import dev.schemagate.gate.MutableTag;
import dev.schemagate.job.FailureCause;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.reconcile.Conditions.Verdict;
import dev.schemagate.reconcile.Plan.Event;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The verdict's rules, in the order they are asked: the first that fires decides. Each is a small
 * pure function of the {@link Facts}; none changes what it reads.
 */
final class Rules {
  private static final List<Function<Facts, Optional<Ruling>>> IN_ORDER =
      List.of(
          Rules::release,
          Rules::stallOnUnwatchedJob,
          Rules::waitForJobInFlight,
          Rules::stallOnFailure,
          Rules::waitToSettle,
          RehearsalRules::rehearseFirst,
          Rules::stallOnPodThatCannotStart,
          Rules::run);

  private Rules() {}

  static Ruling first(Facts facts) {
    return IN_ORDER.stream()
        .map(rule -> rule.apply(facts))
        .flatMap(Optional::stream)
        .findFirst()
        .orElseThrow(); // run always fires
  }

  /** A source that cannot be run stalls, saying why once. */
  static Ruling stallOnInvalidSource(
      MigrationSource.Invalid invalid, SchemaMigrationStatus previous) {
    return Ruling.of(Verdict.stalled(invalid.reason(), invalid.message()))
        .event(
            !StatusConditions.isTrueWithReason(
                previous.getConditions(), StatusConditions.STALLED, invalid.reason()),
            Event.warning(invalid.reason(), invalid.message()));
  }

  /**
   * The wanted image is migrated: Ready. No pod count: the rollout's progress is the Deployment's
   * to report, and a count here would cost a status write each time one of its pods turns Ready.
   */
  static Optional<Ruling> release(Facts f) {
    if (!f.done) {
      return Optional.empty();
    }
    var mutable = MutableTag.warning(f.wanted.image());
    var message =
        "Image %s migrated (revision %s)".formatted(f.wanted.image(), f.wanted.revision())
            + mutable.map(w -> "; " + w).orElse("");
    var saidBefore =
        StatusConditions.find(f.previous.getConditions(), StatusConditions.READY)
            .filter(c -> "True".equals(c.getStatus()) && message.equals(c.getMessage()))
            .isPresent();
    return Optional.of(
        Ruling.of(Verdict.ready(Reasons.MIGRATED, message))
            .event(
                mutable.isPresent() && !saidBefore,
                Event.warning(Reasons.MUTABLE_IMAGE_TAG, mutable.orElse(""))));
  }

  /** The wanted Job exists outside the selector: its end is unknown, so nothing is released. */
  static Optional<Ruling> stallOnUnwatchedJob(Facts f) {
    if (!f.absent() || f.unwatched.isEmpty()) {
      return Optional.empty();
    }
    var detail = Messages.unwatchedJob(f.migration, f.unwatched.get());
    var saidBefore =
        f.jobName.equals(f.previous.getJob())
            && StatusConditions.isTrueWithReason(
                f.previous.getConditions(), StatusConditions.STALLED, Reasons.JOB_NOT_MANAGED);
    return Optional.of(
        Ruling.of(Verdict.stalled(Reasons.JOB_NOT_MANAGED, f.hold.summary() + ": " + detail))
            .job(f.jobName)
            .event(!saidBefore, Event.warning(Reasons.JOB_NOT_MANAGED, detail))
            .requeue(Optional.of(Decision.RECHECK_UNWATCHED_JOB)));
  }

  /** One migration at a time: the newest image waits for the Job in flight to end. */
  static Optional<Ruling> waitForJobInFlight(Facts f) {
    if (!f.absent() || f.blocking.isEmpty()) {
      return Optional.empty();
    }
    var blocking = f.blocking.get();
    return Optional.of(
        Ruling.of(
                Verdict.reconciling(
                    Reasons.WAITING_FOR_JOB,
                    "%s: waiting for Job \"%s\" (image %s) to end before migrating image %s"
                        .formatted(
                            f.hold.summary(), blocking.job(), blocking.image(), f.wanted.image())))
            .job(blocking.job()));
  }

  /** The wanted Job failed: stall with the cause first and short, for `kubectl get`. */
  static Optional<Ruling> stallOnFailure(Facts f) {
    if (!(f.outcome instanceof JobOutcome.Failed failed)) {
      return Optional.empty();
    }
    var cause = failed.cause();
    var namespace = f.migration.getMetadata().getNamespace();
    var neverStarted =
        PodStart.neverStarted(
            f.podProblem,
            f.jobName,
            failed,
            Optional.ofNullable(f.migration.getSpec().getJob())
                .orElseGet(JobSettings::new)
                .activeDeadlineSecondsOrDefault());
    var message =
        neverStarted.isPresent()
            ? "%s: Job \"%s\" failed (%s). Fix what it names, then set annotation %s to run it again"
                .formatted(
                    f.hold.summary(),
                    f.jobName,
                    neverStarted.get(),
                    SchemaMigration.RETRY_ANNOTATION)
            : "%s: Job \"%s\" failed (%s): %s (kubectl logs -n %s job/%s for the rest). %s"
                .formatted(
                    f.hold.summary(),
                    f.jobName,
                    failed.reason(),
                    cause.summary(),
                    namespace,
                    f.jobName,
                    cause.isConnection()
                        ? Messages.connectionAdvice(f.migration)
                        : "Fix the migration (a new image or migration starts a new Job) or set"
                            + " annotation %s to run it again"
                                .formatted(SchemaMigration.RETRY_ANNOTATION));
    // Once per failure; again only if the cause is read better later (the Job's Failed condition
    // can reach the cache before its pod's termination message does).
    var alreadyReported =
        f.jobName.equals(f.previous.getJob())
            && StatusConditions.find(f.previous.getConditions(), StatusConditions.STALLED)
                .filter(c -> "True".equals(c.getStatus()) && message.equals(c.getMessage()))
                .isPresent();
    return Optional.of(
        Ruling.of(Verdict.stalled(Reasons.MIGRATION_FAILED, message))
            .job(f.jobName)
            .event(
                !alreadyReported,
                Event.warning(
                    Reasons.MIGRATION_FAILED,
                    neverStarted
                        .map(n -> "Job %s failed: %s".formatted(f.jobName, n))
                        .orElseGet(() -> Messages.failureEvent(f.jobName, failed)))));
  }

  /** A changed migration for the image already wanted waits a moment for a new image. */
  static Optional<Ruling> waitToSettle(Facts f) {
    return f.settle.map(
        left ->
            Ruling.of(
                    Verdict.reconciling(
                        Reasons.MIGRATION_RUNNING,
                        "%s: the migration changed; waiting %d s for a new image that may come with it"
                            .formatted(f.hold.summary(), Decision.SETTLE.toSeconds())))
                .requeue(f.settle));
  }

  /**
   * The wanted Job's pod has been kept from starting by what only a change fixes (a missing Secret
   * or key) for {@link PodStart#STALL_AFTER}: stalled, saying so once, without waiting for the
   * deadline. The Job runs on: the pod starts by itself once it can.
   */
  static Optional<Ruling> stallOnPodThatCannotStart(Facts f) {
    if (f.podStallsIn.filter(Duration::isZero).isEmpty()) {
      return Optional.empty();
    }
    var stalled = PodStart.stalled(f.podProblem, f.jobName);
    var saidBefore =
        StatusConditions.isTrueWithReason(
            f.previous.getConditions(), StatusConditions.STALLED, Reasons.POD_CANNOT_START);
    return Optional.of(
        Ruling.of(Verdict.stalled(Reasons.POD_CANNOT_START, f.hold.summary() + ": " + stalled))
            .job(f.jobName)
            .event(!saidBefore, Event.warning(Reasons.POD_CANNOT_START, stalled)));
  }

  /** Otherwise the wanted Job runs: created now if absent, followed while it runs. */
  static Optional<Ruling> run(Facts f) {
    var createJob = f.absent();
    var costs = f.hold.costs(f.migration);
    var message =
        "%s: Job \"%s\" is migrating image %s (revision %s)"
            .formatted(f.hold.summary(), f.jobName, f.wanted.image(), f.wanted.revision());
    var requeue = Optional.<Duration>empty();
    if (f.outcome instanceof JobOutcome.Running running) {
      message += running.note().map(note -> "; " + note).orElse("");
      requeue = running.recheck();
    }
    // Nothing changes in a pod that cannot start: look again when it would stall.
    if (f.podStallsIn.isPresent()
        && requeue.filter(r -> r.compareTo(f.podStallsIn.get()) <= 0).isEmpty()) {
      requeue = f.podStallsIn;
    }
    message += f.hold.waiting().map(waiting -> "; " + waiting).orElse("");
    if (!costs.isEmpty()) {
      message += ". " + String.join("; ", costs);
    }
    return Optional.of(
        Ruling.of(Verdict.reconciling(Reasons.MIGRATION_RUNNING, message))
            .job(f.jobName)
            .createJob(createJob)
            .requeue(requeue)
            .event(
                createJob && !costs.isEmpty(),
                Event.warning(Reasons.HOLD_COSTS_CAPACITY, String.join("; ", costs))));
  }

  /** The texts the rules tell on-call. */
  static final class Messages {
    private Messages() {}

    /**
     * What on-call needs of a Job edited out of the selector: what it lacks, that nothing is
     * released while its outcome is unknown, and the two ways out.
     */
    static String unwatchedJob(SchemaMigration migration, Observation.UnwatchedJob job) {
      var namespace = migration.getMetadata().getNamespace();
      var missing = String.join(" ", job.missingLabels());
      var rerun =
          migration.getSpec().getFlyway() != null
              ? "the built-in Flyway runner applies only the migrations its history table lacks"
              : "that runs spec.command again, which must skip what it applied before";
      return ("Job \"%s\" lacks %s %s of the selector SchemaGate watches its Jobs by (%s), so how"
              + " its migration ends is unknown and nothing is released. Restore %s (kubectl label"
              + " -n %s job/%s --overwrite %s), or delete the Job (kubectl delete job -n %s %s) to"
              + " migrate in a new Job: %s")
          .formatted(
              job.name(),
              job.missingLabels().size() == 1 ? "label" : "labels",
              missing,
              MigrationJob.SELECTOR,
              job.missingLabels().size() == 1 ? "it" : "them",
              namespace,
              job.name(),
              missing,
              namespace,
              job.name(),
              rerun);
    }

    /** The migration never got the database: where its URL comes from, and how to run it again. */
    static String connectionAdvice(SchemaMigration migration) {
      var url = migration.getSpec().getDatabase().getUrlSecretRef();
      return ("The migration itself did not fail: check the database and its URL (Secret %s, key"
              + " %s), then set annotation %s to run it again")
          .formatted(url.getName(), url.getKey(), SchemaMigration.RETRY_ANNOTATION);
    }

    /** The cause, then the end of the output it was read from (a few KiB), passwords masked. */
    static String failureEvent(String jobName, JobOutcome.Failed failed) {
      var cause = failed.cause().summary();
      var tail = FailureCause.printable(failed.message()).strip();
      return tail.equals(cause)
          ? "Job %s failed: %s".formatted(jobName, cause)
          : "Job %s failed: %s\n\nThe end of its output:\n%s".formatted(jobName, cause, tail);
    }
  }
}
