package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.reconcile.Conditions.Verdict;
import dev.schemagate.reconcile.Plan.Event;
import dev.schemagate.reconcile.Plan.Scale;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The whole of SchemaGate's judgement: observed state in, actions out. No I/O. */
public final class Decision {
  private Decision() {}

  public static Plan decide(Observation observed, Instant now) {
    var migration = observed.migration();
    var previous = Objects.requireNonNullElseGet(migration.getStatus(), SchemaMigrationStatus::new);
    var name = migration.getMetadata().getName();
    var deployment = migration.getSpec().getTarget().getDeployment();
    var target = Objects.requireNonNullElse(migration.getSpec().getTarget().getReplicas(), 1);
    var deploymentExists = observed.deploymentReplicas() != null;
    var events = new ArrayList<Event>();

    var revision = previous.getRevision();
    var job = previous.getJob();
    var applied = previous.getAppliedRevision();
    var createJob = false;
    Verdict verdict = null;

    if (observed.source() instanceof MigrationSource.Invalid invalid) {
      verdict = Verdict.stalled(invalid.reason(), invalid.message());
      if (!Conditions.isTrueWithReason(
          previous.getConditions(), Conditions.STALLED, invalid.reason())) {
        events.add(Event.warning(invalid.reason(), invalid.message()));
      }
    } else {
      revision = ((MigrationSource.Valid) observed.source()).revision();
      job = MigrationJob.name(name, revision);
      if (!revision.equals(applied)) {
        var held =
            deploymentExists
                ? "Deployment \"%s\" held at 0 replicas".formatted(deployment)
                : "Deployment \"%s\" not found yet".formatted(deployment);
        var outcome = observed.job();
        if (outcome instanceof JobOutcome.Absent) {
          createJob = true;
          verdict = migrating(job, revision, held, Optional.empty());
        } else if (outcome instanceof JobOutcome.Running running) {
          verdict = migrating(job, revision, held, running.note());
        } else if (outcome instanceof JobOutcome.Failed failed) {
          var message =
              ("Job \"%s\" failed (%s): %s. %s: fix the migration (a changed migration starts a new"
                      + " Job) or set annotation %s to run it again")
                  .formatted(
                      job,
                      failed.reason(),
                      failed.message(),
                      held,
                      SchemaMigration.RETRY_ANNOTATION);
          verdict = Verdict.stalled(Reasons.MIGRATION_FAILED, message);
          // Once per failure; again only if the cause is read better later (the Job's Failed
          // condition can reach the cache before its pod's termination message does).
          var alreadyReported =
              job.equals(previous.getJob())
                  && Conditions.find(previous.getConditions(), Conditions.STALLED)
                      .filter(c -> "True".equals(c.getStatus()) && message.equals(c.getMessage()))
                      .isPresent();
          if (!alreadyReported) {
            events.add(
                Event.warning(
                    Reasons.MIGRATION_FAILED,
                    "Job %s failed: %s".formatted(job, failed.message())));
          }
        } else {
          applied = revision;
          events.add(
              Event.normal(
                  Reasons.MIGRATED, "Job %s applied revision %s".formatted(job, revision)));
        }
      }
      if (verdict == null) {
        verdict =
            deploymentExists
                ? Verdict.ready(
                    Reasons.MIGRATED,
                    "Revision %s migrated; Deployment \"%s\" at %d replicas"
                        .formatted(revision, deployment, target))
                : Verdict.stalled(
                    Reasons.DEPLOYMENT_NOT_FOUND,
                    "Revision %s migrated, but Deployment \"%s\" was not found in namespace \"%s\""
                        .formatted(revision, deployment, migration.getMetadata().getNamespace()));
      }
    }

    var status = new SchemaMigrationStatus();
    status.setObservedGeneration(migration.getMetadata().getGeneration());
    status.setRevision(revision);
    status.setAppliedRevision(applied);
    status.setJob(job);
    status.setConditions(
        Conditions.of(
            verdict,
            previous.getConditions(),
            Objects.requireNonNullElse(status.getObservedGeneration(), 0L),
            now));

    return new Plan(
        createJob,
        scale(
            observed,
            deployment,
            wantedReplicas(observed.source(), revision, applied, target),
            revision),
        status.equals(previous) ? Optional.empty() : Optional.of(status),
        List.copyOf(events));
  }

  /**
   * Held at 0 until the wanted revision is applied. When the source is invalid after an earlier
   * success, the Deployment is left as it is: a deleted ConfigMap must not take the app down.
   */
  private static Integer wantedReplicas(
      MigrationSource source, String revision, String applied, int target) {
    if (applied == null) {
      return 0;
    }
    if (source instanceof MigrationSource.Invalid) {
      return null;
    }
    return revision.equals(applied) ? target : 0;
  }

  private static Optional<Scale> scale(
      Observation observed, String deployment, Integer wanted, String revision) {
    var current = observed.deploymentReplicas();
    if (current == null || wanted == null || current.equals(wanted)) {
      return Optional.empty();
    }
    var from = "Scaled Deployment %s from %d to %d replicas".formatted(deployment, current, wanted);
    Event event;
    if (wanted == 0) {
      event = Event.normal(Reasons.HELD, from + " until revision " + revision + " is migrated");
    } else if (current == 0) {
      event = Event.normal(Reasons.RELEASED, from + ": revision " + revision + " is migrated");
    } else {
      event = Event.normal(Reasons.SCALED, from + " (spec.target.replicas)");
    }
    return Optional.of(new Scale(wanted, event));
  }

  private static Verdict migrating(
      String job, String revision, String held, Optional<String> note) {
    var message = "Job \"%s\" is migrating to revision %s; %s".formatted(job, revision, held);
    return Verdict.reconciling(
        Reasons.MIGRATION_RUNNING, note.map(n -> message + "; " + n).orElse(message));
  }
}
