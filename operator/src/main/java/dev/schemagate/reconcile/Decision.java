package dev.schemagate.reconcile;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.Strategy;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.job.FailureCause;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.reconcile.Conditions.Verdict;
import dev.schemagate.reconcile.Plan.Event;
import dev.schemagate.reconcile.Plan.Nudge;
import dev.schemagate.reconcile.Plan.Scale;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole of SchemaGate's judgement: observed state in, actions out. No I/O.
 *
 * <p>The rule: a pod of the target whose app image has been migrated runs; a pod of any other image
 * is held until the migration for that image succeeds. Images once migrated stay admitted, so the
 * version already running keeps serving and its replaced pods start.
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
   * How often a SchemaMigration refused for a Deployment another one gates looks again: nothing of
   * the other's deletion reaches it otherwise.
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
                Conditions.isTrueWithReason(
                    s.getConditions(), Conditions.STALLED, Reasons.JOB_NOT_MANAGED))
        .map(SchemaMigrationStatus::getJob)
        .filter(job -> runs.stream().noneMatch(r -> r.job().equals(job)));
  }

  public static Plan decide(Observation observed, Instant now) {
    var migration = observed.migration();
    var previous = Objects.requireNonNullElseGet(migration.getStatus(), SchemaMigrationStatus::new);
    if (observed.targetHeldBy().isPresent()) {
      return heldByOther(observed, observed.targetHeldBy().get(), previous, now);
    }
    var events = new ArrayList<Event>();
    var migrated = absorbSucceeded(observed.runs(), previous, events);

    var status = new SchemaMigrationStatus();
    status.setObservedGeneration(migration.getMetadata().getGeneration());
    status.setRevision(previous.getRevision());
    status.setImage(previous.getImage());
    status.setSettlingSince(previous.getSettlingSince());
    status.setJob(previous.getJob());
    status.setAppliedRevision(appliedRevision(migrated, previous));
    status.setMigrated(migrated);
    status.setHoldMechanism(observed.mechanism().name());
    status.setStoppedReplicas(previous.getStoppedReplicas());

    var images = migrated.stream().map(MigratedImage::getImage).collect(Collectors.toSet());
    var release =
        observed.heldPods().stream()
            .filter(p -> images.contains(p.image()))
            .map(HeldPod::name)
            .toList();
    var evict =
        observed.strayPods().stream()
            .filter(p -> !images.contains(p.image()))
            .map(HeldPod::name)
            .toList();
    if (!evict.isEmpty()) {
      events.add(
          Event.warning(
              Reasons.EVICTED,
              ("Deleted %d pod(s) of unmigrated image(s) %s that started before they could be"
                      + " held; their ReplicaSet makes held ones")
                  .formatted(
                      evict.size(),
                      observed.strayPods().stream()
                          .map(HeldPod::image)
                          .collect(Collectors.toCollection(LinkedHashSet::new)))));
    }
    var stillHeld = observed.heldPods().size() - release.size();
    status.setHeldPods(stillHeld == 0 ? null : stillHeld);

    var createJob = false;
    Optional<Duration> requeue = Optional.empty();
    Verdict verdict;
    Optional<Scale> scale = Optional.empty();
    if (observed.source() instanceof MigrationSource.Invalid invalid) {
      verdict = Verdict.stalled(invalid.reason(), invalid.message());
      if (!Conditions.isTrueWithReason(
          previous.getConditions(), Conditions.STALLED, invalid.reason())) {
        events.add(Event.warning(invalid.reason(), invalid.message()));
      }
    } else {
      var wanted = (MigrationSource.Valid) observed.source();
      var target = observed.deployment().orElseThrow(); // a Valid source has a target
      var jobName = MigrationJob.name(migration.getMetadata().getName(), wanted.revision());
      status.setRevision(wanted.revision());
      status.setImage(wanted.image());
      if (!wanted.revision().equals(previous.getRevision())) {
        // Only a new revision for the same image settles: a new image is the release itself.
        status.setSettlingSince(
            wanted.image().equals(previous.getImage())
                ? now.truncatedTo(ChronoUnit.MILLIS).toString()
                : null);
      }
      var done = migrated.stream().anyMatch(m -> m.getRevision().equals(wanted.revision()));
      var hold = new Hold(observed.mechanism(), target, wanted.image(), migrated, stillHeld);
      if (done) {
        // No pod count: the rollout's progress is the Deployment's to report, and a count here
        // would cost a status write each time one of its pods turns Ready.
        verdict =
            Verdict.ready(
                Reasons.MIGRATED,
                "Image %s migrated (revision %s)".formatted(wanted.image(), wanted.revision()));
      } else {
        var run = observed.runs().stream().filter(r -> r.job().equals(jobName)).findFirst();
        var blocking =
            observed.runs().stream()
                .filter(r -> !r.job().equals(jobName) && r.outcome() instanceof JobOutcome.Running)
                .findFirst();
        var outcome = run.map(MigrationRun::outcome).orElseGet(JobOutcome.Absent::new);
        // A Job not yet started for a new revision of the same image may wait for a new image.
        var settle =
            outcome instanceof JobOutcome.Absent && !jobName.equals(previous.getJob())
                ? settling(status, now)
                : Optional.<Duration>empty();
        var unwatched = observed.unwatchedJob().filter(j -> j.name().equals(jobName));
        if (outcome instanceof JobOutcome.Absent && unwatched.isPresent()) {
          status.setJob(jobName);
          var detail = unwatchedJob(migration, unwatched.get());
          verdict = Verdict.stalled(Reasons.JOB_NOT_MANAGED, hold.summary() + ": " + detail);
          if (!(jobName.equals(previous.getJob())
              && Conditions.isTrueWithReason(
                  previous.getConditions(), Conditions.STALLED, Reasons.JOB_NOT_MANAGED))) {
            events.add(Event.warning(Reasons.JOB_NOT_MANAGED, detail));
          }
          requeue = Optional.of(RECHECK_UNWATCHED_JOB);
        } else if (outcome instanceof JobOutcome.Absent && blocking.isPresent()) {
          // One migration at a time: the newest image waits for the Job in flight to end.
          status.setJob(blocking.get().job());
          verdict =
              Verdict.reconciling(
                  Reasons.WAITING_FOR_JOB,
                  "%s: waiting for Job \"%s\" (image %s) to end before migrating it"
                      .formatted(hold.summary(), blocking.get().job(), blocking.get().image()));
        } else if (outcome instanceof JobOutcome.Failed failed) {
          status.setJob(jobName);
          // The cause first and short, for `kubectl get`; the Event has the log's tail.
          var cause = failed.cause();
          var message =
              "%s: Job \"%s\" failed (%s): %s (kubectl logs -n %s job/%s for the rest). %s"
                  .formatted(
                      hold.summary(),
                      jobName,
                      failed.reason(),
                      cause.summary(),
                      migration.getMetadata().getNamespace(),
                      jobName,
                      cause.isConnection()
                          ? connectionAdvice(migration)
                          : "Fix the migration (a new image or migration starts a new Job) or set"
                              + " annotation %s to run it again"
                                  .formatted(SchemaMigration.RETRY_ANNOTATION));
          verdict = Verdict.stalled(Reasons.MIGRATION_FAILED, message);
          // Once per failure; again only if the cause is read better later (the Job's Failed
          // condition can reach the cache before its pod's termination message does).
          var alreadyReported =
              jobName.equals(previous.getJob())
                  && Conditions.find(previous.getConditions(), Conditions.STALLED)
                      .filter(c -> "True".equals(c.getStatus()) && message.equals(c.getMessage()))
                      .isPresent();
          if (!alreadyReported) {
            events.add(Event.warning(Reasons.MIGRATION_FAILED, failureEvent(jobName, failed)));
          }
        } else if (settle.isPresent()) {
          requeue = settle;
          verdict =
              Verdict.reconciling(
                  Reasons.MIGRATION_RUNNING,
                  "%s: the migration changed; waiting %d s for a new image that may come with it"
                      .formatted(hold.summary(), SETTLE.toSeconds()));
        } else {
          status.setJob(jobName);
          createJob = outcome instanceof JobOutcome.Absent;
          var costs = hold.costs(migration);
          var message =
              "%s: Job \"%s\" is migrating image %s (revision %s)"
                  .formatted(hold.summary(), jobName, wanted.image(), wanted.revision());
          if (outcome instanceof JobOutcome.Running running) {
            if (running.note().isPresent()) {
              message += "; " + running.note().get();
            }
            requeue = running.recheck();
          }
          if (!costs.isEmpty()) {
            message += ". " + String.join("; ", costs);
            if (createJob) {
              events.add(Event.warning(Reasons.HOLD_COSTS_CAPACITY, String.join("; ", costs)));
            }
          }
          verdict = Verdict.reconciling(Reasons.MIGRATION_RUNNING, message);
        }
      }
      scale = stopOldPods(migration, target, done, wanted.image(), status);
    }
    status.setConditions(
        Conditions.of(
            verdict,
            previous.getConditions(),
            Objects.requireNonNullElse(status.getObservedGeneration(), 0L),
            now));
    if (!release.isEmpty()) {
      var released =
          "%d held pod(s) of migrated image(s) %s"
              .formatted(release.size(), heldImages(observed.heldPods(), images));
      // A release that follows from this reconcile's migration is part of that one transition:
      // one Event says both (an Event is an API write; a user looks for the migration).
      var migratedNow =
          events.stream().filter(e -> e.reason().equals(Reasons.MIGRATED)).findFirst();
      if (migratedNow.isPresent()) {
        var m = migratedNow.get();
        events.set(
            events.indexOf(m), Event.normal(m.reason(), m.message() + "; released " + released));
      } else {
        events.add(Event.normal(Reasons.RELEASED, "Released " + released));
      }
    }
    var nudge =
        observed
            .deployment()
            .flatMap(TargetDeployment::replicaFailure)
            .filter(
                failure -> observed.deployment().get().image().filter(images::contains).isPresent())
            .map(failure -> new Nudge(images, failure));
    return new Plan(
        createJob,
        release,
        evict,
        nudge,
        scale,
        status.equals(previous) ? Optional.empty() : Optional.of(status),
        List.copyOf(events),
        requeue);
  }

  /** The time left before a new revision's Job may start, if any. */
  private static Optional<Duration> settling(SchemaMigrationStatus status, Instant now) {
    if (status.getSettlingSince() == null) {
      return Optional.empty();
    }
    var left = Duration.between(now, Instant.parse(status.getSettlingSince()).plus(SETTLE));
    return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
  }

  /**
   * The status an unexpected error leaves: what was known before, Reconciling with the error, for
   * the generation now observed. JOSDK retries with back-off.
   */
  public static SchemaMigrationStatus onError(
      SchemaMigration migration, String error, Instant now) {
    var previous = Objects.requireNonNullElseGet(migration.getStatus(), SchemaMigrationStatus::new);
    return carriedOver(
        previous,
        Verdict.reconciling(Reasons.RECONCILE_ERROR, "Retrying after error: " + error),
        // The conditions speak of the status they sit in: its observedGeneration, not the
        // spec's newest, which this reconcile never got to judge.
        Objects.requireNonNullElse(previous.getObservedGeneration(), 0L),
        now);
  }

  /**
   * A second SchemaMigration for a Deployment another one gates does nothing but say so, and lets
   * go of any pod admission labelled for it in the instant before it was refused: deleted, such a
   * pod is re-created and held by the other.
   */
  private static Plan heldByOther(
      Observation observed, String other, SchemaMigrationStatus previous, Instant now) {
    var migration = observed.migration();
    var message =
        ("Deployment %s is gated by SchemaMigration %s already; a Deployment takes one"
                + " SchemaMigration: delete this one or name another Deployment in"
                + " spec.target.deployment")
            .formatted(migration.getSpec().getTarget().getDeployment(), other);
    var generation = Objects.requireNonNullElse(migration.getMetadata().getGeneration(), 0L);
    var status =
        carriedOver(
            previous, Verdict.stalled(Reasons.TARGET_HELD_BY_OTHER, message), generation, now);
    status.setObservedGeneration(generation);
    status.setHeldPods(null);
    var events =
        Conditions.isTrueWithReason(
                previous.getConditions(), Conditions.STALLED, Reasons.TARGET_HELD_BY_OTHER)
            ? List.<Event>of()
            : List.of(Event.warning(Reasons.TARGET_HELD_BY_OTHER, message));
    return new Plan(
        false,
        List.of(),
        observed.heldPods().stream().map(HeldPod::name).toList(),
        Optional.empty(),
        Optional.empty(),
        status.equals(previous) ? Optional.empty() : Optional.of(status),
        events,
        Optional.of(RECHECK_HELD_BY_OTHER));
  }

  /** What was known before, under a new verdict. */
  private static SchemaMigrationStatus carriedOver(
      SchemaMigrationStatus previous, Verdict verdict, long generation, Instant now) {
    var status = new SchemaMigrationStatus();
    status.setObservedGeneration(previous.getObservedGeneration());
    status.setRevision(previous.getRevision());
    status.setImage(previous.getImage());
    status.setSettlingSince(previous.getSettlingSince());
    status.setJob(previous.getJob());
    status.setAppliedRevision(previous.getAppliedRevision());
    status.setMigrated(previous.getMigrated());
    status.setHeldPods(previous.getHeldPods());
    status.setHoldMechanism(previous.getHoldMechanism());
    status.setStoppedReplicas(previous.getStoppedReplicas());
    status.setConditions(Conditions.of(verdict, previous.getConditions(), generation, now));
    return status;
  }

  /**
   * The Jobs in flight that succeeded join the migrated images, newest first, one entry an image.
   * Only the Job status last named and the wanted revision's Job count: older Jobs are history
   * (kept for `kubectl logs`), already absorbed or superseded.
   */
  private static List<MigratedImage> absorbSucceeded(
      List<MigrationRun> runs, SchemaMigrationStatus previous, List<Event> events) {
    var migrated = new ArrayList<>(previous.getMigrated());
    for (var run : runs) {
      var inFlight =
          run.job().equals(previous.getJob())
              || Objects.equals(run.revision(), previous.getRevision());
      if (!inFlight
          || !(run.outcome() instanceof JobOutcome.Succeeded)
          || run.image() == null
          || run.revision() == null) {
        continue;
      }
      var entry = new MigratedImage(run.image(), run.revision());
      if (migrated.contains(entry)) {
        continue;
      }
      migrated.removeIf(m -> run.image().equals(m.getImage()));
      migrated.add(0, entry);
      events.add(
          Event.normal(
              Reasons.MIGRATED,
              "Job %s migrated image %s (revision %s)"
                  .formatted(run.job(), run.image(), run.revision())));
    }
    return migrated.size() > MIGRATED_KEPT ? migrated.subList(0, MIGRATED_KEPT) : migrated;
  }

  private static String appliedRevision(
      List<MigratedImage> migrated, SchemaMigrationStatus previous) {
    return migrated.isEmpty() ? previous.getAppliedRevision() : migrated.get(0).getRevision();
  }

  /**
   * strategy StopOldPods: scale to 0 while the wanted image is not migrated, remembering the
   * replicas in status, and back once it is. (Either strategy holds the new image's pods.)
   */
  private static Optional<Scale> stopOldPods(
      SchemaMigration migration,
      TargetDeployment target,
      boolean done,
      String image,
      SchemaMigrationStatus status) {
    var stopped = status.getStoppedReplicas();
    if (!done && migration.getSpec().getStrategy() == Strategy.StopOldPods) {
      if (target.replicas() == 0) {
        return Optional.empty();
      }
      status.setStoppedReplicas(stopped == null ? target.replicas() : stopped);
      return Optional.of(
          new Scale(
              0,
              Event.normal(
                  Reasons.HELD,
                  "Scaled Deployment %s from %d to 0 replicas until image %s is migrated (strategy"
                      + " StopOldPods)".formatted(target.name(), target.replicas(), image))));
    }
    if (done && stopped != null) {
      status.setStoppedReplicas(null);
      if (target.replicas() != stopped) {
        return Optional.of(
            new Scale(
                stopped,
                Event.normal(
                    Reasons.RELEASED,
                    "Scaled Deployment %s back to %d replicas: image %s is migrated"
                        .formatted(target.name(), stopped, image))));
      }
    }
    return Optional.empty();
  }

  /**
   * What on-call needs of a Job edited out of the selector: what it lacks, that nothing is released
   * while its outcome is unknown, and the two ways out.
   */
  private static String unwatchedJob(SchemaMigration migration, Observation.UnwatchedJob job) {
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

  /** The cause, then the end of the output it was read from (a few KiB), passwords masked. */
  /** The migration never got the database: where its URL comes from, and how to run it again. */
  private static String connectionAdvice(SchemaMigration migration) {
    var url = migration.getSpec().getDatabase().getUrlSecretRef();
    return ("The migration itself did not fail: check the database and its URL (Secret %s, key %s),"
            + " then set annotation %s to run it again")
        .formatted(url.getName(), url.getKey(), SchemaMigration.RETRY_ANNOTATION);
  }

  private static String failureEvent(String jobName, JobOutcome.Failed failed) {
    var cause = failed.cause().summary();
    var tail = FailureCause.redact(failed.message()).strip();
    return tail.equals(cause)
        ? "Job %s failed: %s".formatted(jobName, cause)
        : "Job %s failed: %s\n\nThe end of its output:\n%s".formatted(jobName, cause, tail);
  }

  private static Set<String> heldImages(List<HeldPod> held, Set<String> migrated) {
    return held.stream()
        .map(HeldPod::image)
        .filter(migrated::contains)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** What holding the wanted image means for the target, said as on-call reads it. */
  private record Hold(
      HoldMechanism mechanism,
      TargetDeployment target,
      String image,
      List<MigratedImage> migrated,
      int held) {

    String summary() {
      var images = migrated.stream().map(MigratedImage::getImage).toList();
      var ready = target.readyReplicas();
      if (images.contains(image)) {
        return "%d pods of %s serving (nothing held)".formatted(ready, image);
      }
      // Held pods are never Ready, so the Ready pods are of a migrated image: the newest one.
      var servingPart =
          ready == 0
              ? "no pods serving"
              : images.isEmpty()
                  ? "%d pods serving".formatted(ready)
                  : "%d pods of %s serving".formatted(ready, images.get(0));
      var heldPart =
          switch (mechanism) {
            case SchedulingGate -> held == 0 ? "held" : "held (%d pods gated)".formatted(held);
            case AdmissionPolicy -> "held (its pods are refused at creation)";
          };
      return "%s; %s %s".formatted(servingPart, image, heldPart);
    }

    /** What the Deployment's own settings make the hold cost, beyond holding the new image. */
    List<String> costs(SchemaMigration migration) {
      var costs = new ArrayList<String>();
      if (migration.getSpec().getStrategy() == Strategy.StopOldPods) {
        return costs;
      }
      if (TargetDeployment.RECREATE.equals(target.strategy())) {
        costs.add(
            "Deployment strategy Recreate stops all %d old pods while the new image is held"
                .formatted(target.replicas()));
      } else if (target.maxUnavailable() > 0) {
        costs.add(
            ("maxUnavailable lets %d of %d old pods stop while the new image is held (set it to 0"
                    + " to keep them all)")
                .formatted(
                    Math.min(target.maxUnavailable(), target.replicas()), target.replicas()));
      }
      var jobDeadline =
          Optional.ofNullable(migration.getSpec().getJob())
              .orElseGet(JobSettings::new)
              .activeDeadlineSecondsOrDefault();
      if (target.progressDeadlineSeconds() < jobDeadline) {
        costs.add(
            ("progressDeadlineSeconds %d is shorter than the Job's activeDeadlineSeconds %d: the"
                    + " Deployment may report ProgressDeadlineExceeded while held")
                .formatted(target.progressDeadlineSeconds(), jobDeadline));
      }
      return costs;
    }
  }
}
