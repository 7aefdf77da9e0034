package dev.schemagate.reconcile;

import dev.schemagate.api.Approval;
import dev.schemagate.api.RehearsalMode;
import dev.schemagate.api.RehearsalSettings;
import dev.schemagate.api.RehearsalStatus;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.job.RehearsalJob;
import dev.schemagate.job.RehearsalRun;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the wanted revision's rehearsal stands, derived once from the observation: its next
 * status.rehearsal, and whether its Job is to be created. Pure.
 *
 * @param mode spec.rehearsal.mode
 * @param status the next status.rehearsal (the previous one when this revision is not rehearsed)
 * @param active whether the rehearsal decides now: the production Job of the wanted revision does
 *     not exist yet, and the mode rehearses
 * @param create create the rehearsal's Job
 * @param podProblem while it runs, why its pod has not started, if so
 */
record Rehearsing(
    RehearsalMode mode,
    RehearsalStatus status,
    boolean active,
    boolean create,
    Optional<String> podProblem) {

  Rehearsing(RehearsalMode mode, RehearsalStatus status, boolean active, boolean create) {
    this(mode, status, active, create, Optional.empty());
  }

  static Rehearsing of(
      SchemaMigration migration,
      SchemaMigrationStatus previous,
      String revision,
      Optional<RehearsalRun> run,
      boolean productionAbsent) {
    var spec = migration.getSpec();
    var mode = RehearsalSettings.modeOf(spec.getRehearsal());
    if (!productionAbsent || mode == RehearsalMode.Off) {
      return new Rehearsing(mode, previous.getRehearsal(), false, false);
    }
    var job = RehearsalJob.name(migration.getMetadata().getName(), revision);
    if (spec.getFlyway() == null) {
      return new Rehearsing(
          mode,
          RehearsalFindings.skipped(
              revision,
              null,
              "the rehearsal of a command source (spec.command) is not built yet; only spec.flyway"
                  + " is rehearsed"),
          true,
          false);
    }
    var before =
        Optional.ofNullable(previous.getRehearsal()).filter(r -> revision.equals(r.getRevision()));
    var ended = run.filter(RehearsalRun::ended).map(RehearsalFindings::of);
    // Found once, kept: the Job (kept for its logs) may be deleted, the revision is not rehearsed
    // again.
    var found = ended.or(() -> before.filter(r -> !RehearsalStatus.RUNNING.equals(r.getResult())));
    if (found.isPresent()) {
      return new Rehearsing(mode, approval(migration, revision, found.get()), true, false);
    }
    return new Rehearsing(
        mode,
        RehearsalFindings.running(revision, job),
        true,
        run.isEmpty(),
        run.flatMap(RehearsalRun::message));
  }

  /** A passed rehearsal waits for the approval annotation when spec.approval says so. */
  private static RehearsalStatus approval(
      SchemaMigration migration, String revision, RehearsalStatus found) {
    var result = found.getResult();
    if (!RehearsalStatus.PASSED.equals(result)
        && !RehearsalStatus.WAITING_FOR_APPROVAL.equals(result)) {
      return found;
    }
    var approval = Objects.requireNonNullElse(migration.getSpec().getApproval(), Approval.Never);
    var needed =
        approval == Approval.Always
            || (approval == Approval.Destructive && RehearsalFindings.isDestructive(found));
    var annotations = migration.getMetadata().getAnnotations();
    var approved =
        annotations != null && revision.equals(annotations.get(SchemaMigration.APPROVE_ANNOTATION));
    return found.withResult(
        needed && !approved ? RehearsalStatus.WAITING_FOR_APPROVAL : RehearsalStatus.PASSED);
  }

  /**
   * Whether production must not be touched yet: the rehearsal runs, failed, waits for approval, or
   * could not run where one is required.
   */
  boolean holdsProduction() {
    if (!active) {
      return false;
    }
    return switch (status.getResult()) {
      case RehearsalStatus.PASSED -> false;
      case RehearsalStatus.SKIPPED -> mode == RehearsalMode.Required;
      default -> true;
    };
  }
}
