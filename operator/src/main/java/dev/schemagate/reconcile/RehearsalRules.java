package dev.schemagate.reconcile;

import dev.schemagate.api.Reasons;
import dev.schemagate.api.RehearsalMode;
import dev.schemagate.api.RehearsalStatus;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.reconcile.Conditions.Verdict;
import dev.schemagate.reconcile.Plan.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rehearsal's part of the verdict, asked after the wait to settle and before the production Job
 * runs: rehearse first, stall on a failed rehearsal, wait for an approval. Its Events follow the
 * transitions of status.rehearsal, whichever rule fires. Pure.
 */
final class RehearsalRules {
  private RehearsalRules() {}

  /** Fires while the rehearsal keeps the production Job from starting. */
  static Optional<Ruling> rehearseFirst(Facts f) {
    var r = f.rehearsing;
    if (!r.active()) {
      return Optional.empty();
    }
    var status = r.status();
    var job = Objects.requireNonNullElse(status.getJob(), "");
    return switch (status.getResult()) {
      case RehearsalStatus.RUNNING ->
          Optional.of(
              Ruling.of(
                      Verdict.reconciling(
                          Reasons.REHEARSING,
                          "%s: Job \"%s\" is rehearsing revision %s on a copy of production's schema"
                                  .formatted(f.hold.summary(), job, f.wanted.revision())
                              + " before production is migrated"
                              + r.podProblem().map(p -> "; " + p).orElse("")))
                  .createRehearsal(r.create()));
      case RehearsalStatus.FAILED ->
          Optional.of(Ruling.of(Verdict.stalled(Reasons.REHEARSAL_FAILED, failed(f, status))));
      case RehearsalStatus.WAITING_FOR_APPROVAL ->
          Optional.of(
              Ruling.of(Verdict.reconciling(Reasons.AWAITING_APPROVAL, awaiting(f, status))));
      case RehearsalStatus.SKIPPED ->
          r.mode() == RehearsalMode.Required
              ? Optional.of(
                  Ruling.of(
                      Verdict.stalled(
                          Reasons.REHEARSAL_CANNOT_RUN,
                          "%s: the rehearsal cannot run: %s. spec.rehearsal.mode is Required: fix"
                                  .formatted(f.hold.summary(), status.getCause())
                              + " that and set annotation %s to rehearse again, or set mode Auto"
                                  .formatted(SchemaMigration.RETRY_ANNOTATION)
                              + " to migrate without one")))
              : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** The cause first, within the Message column's first 300 characters. */
  private static String failed(Facts f, RehearsalStatus status) {
    var ns = f.migration.getMetadata().getNamespace();
    return ("%s: rehearsal failed: %s (Job %s; production untouched). Fix the migration (a new"
            + " revision is rehearsed again) or set annotation %s to rehearse it again;"
            + " kubectl logs -n %s job/%s for the rest")
        .formatted(
            f.hold.summary(),
            cause(status),
            status.getJob(),
            SchemaMigration.RETRY_ANNOTATION,
            ns,
            status.getJob());
  }

  private static String awaiting(Facts f, RehearsalStatus status) {
    var meta = f.migration.getMetadata();
    var what =
        RehearsalFindings.isDestructive(status)
            ? "its rehearsal passed and would drop or narrow: "
                + RehearsalFindings.destructive(status)
            : "its rehearsal passed with %d schema change%s"
                .formatted(status.getChanges().size(), status.getChanges().size() == 1 ? "" : "s");
    return "%s: revision %s waits for approval (spec.approval): %s. Approve: kubectl annotate smig -n %s %s %s=%s"
        .formatted(
            f.hold.summary(),
            f.wanted.revision(),
            what,
            meta.getNamespace(),
            meta.getName(),
            SchemaMigration.APPROVE_ANNOTATION,
            f.wanted.revision());
  }

  /** The failing migration, SQLSTATE and error, as the production failure says them. */
  static String cause(RehearsalStatus status) {
    var cause = new StringBuilder();
    if (status.getFailingStatement() != null
        && (status.getCause() == null
            || !status.getCause().contains(status.getFailingStatement()))) {
      cause.append(status.getFailingStatement()).append(": ");
    }
    if (status.getSqlState() != null
        && (status.getCause() == null || !status.getCause().contains(status.getSqlState()))) {
      cause.append("SQLSTATE ").append(status.getSqlState()).append(": ");
    }
    return cause.append(Objects.requireNonNullElse(status.getCause(), "no cause given")).toString();
  }

  /** The Events of status.rehearsal's change from {@code before} to {@code after}, once each. */
  static List<Event> events(RehearsalStatus before, Rehearsing rehearsing) {
    var after = rehearsing.status();
    if (after == null
        || !rehearsing.active()
        || (before != null
            && Objects.equals(before.getRevision(), after.getRevision())
            && Objects.equals(before.getResult(), after.getResult()))) {
      return List.of();
    }
    var events = new ArrayList<Event>();
    var revision = after.getRevision();
    switch (after.getResult()) {
      case RehearsalStatus.FAILED ->
          events.add(
              Event.warning(
                  Reasons.REHEARSAL_FAILED,
                  "Rehearsal of revision %s failed: %s; production untouched"
                      .formatted(revision, cause(after))));
      case RehearsalStatus.SKIPPED ->
          events.add(
              rehearsing.mode() == RehearsalMode.Required
                  ? Event.warning(
                      Reasons.REHEARSAL_CANNOT_RUN,
                      "Rehearsal of revision %s cannot run: %s"
                          .formatted(revision, after.getCause()))
                  : Event.warning(
                      Reasons.REHEARSAL_SKIPPED,
                      "Rehearsal of revision %s skipped: %s; migrating production without one"
                              .formatted(revision, after.getCause())
                          + " (spec.rehearsal.mode Auto)"));
      case RehearsalStatus.PASSED, RehearsalStatus.WAITING_FOR_APPROVAL -> {
        var passed =
            before != null
                && revision.equals(before.getRevision())
                && RehearsalStatus.WAITING_FOR_APPROVAL.equals(before.getResult());
        events.add(
            Event.normal(
                passed ? Reasons.REHEARSAL_PASSED : rehearsedReason(after),
                passed
                    ? "Revision %s approved: migrating production".formatted(revision)
                    : passedMessage(after)));
        if (!passed && "Failed".equals(after.getIdempotency())) {
          events.add(
              Event.warning(
                  Reasons.NOT_IDEMPOTENT,
                  "Revision %s cannot be retried after a partial failure: %s"
                      .formatted(revision, cause(after))));
        }
      }
      default -> {}
    }
    return events;
  }

  private static String rehearsedReason(RehearsalStatus after) {
    return RehearsalStatus.WAITING_FOR_APPROVAL.equals(after.getResult())
        ? Reasons.AWAITING_APPROVAL
        : Reasons.REHEARSAL_PASSED;
  }

  private static String passedMessage(RehearsalStatus s) {
    var changes =
        s.getChanges().stream()
            .map(c -> c.getChange().split(":")[0] + " " + c.getKind() + " " + c.getName())
            .toList();
    return "Rehearsal of revision %s passed in %.1f s (re-run: %s); changes: %s%s; locks: %s"
        .formatted(
            s.getRevision(),
            Objects.requireNonNullElse(s.getDurationSeconds(), 0.0),
            s.getIdempotency(),
            changes.isEmpty() ? "none" : String.join(", ", changes),
            s.getMoreChanges() == null ? "" : " (+" + s.getMoreChanges() + " more)",
            s.getLocks().isEmpty() ? "none seen" : s.getLocks().toString());
  }
}
