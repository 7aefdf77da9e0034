package dev.schemagate.reconcile;

import dev.schemagate.api.RehearsalChange;
import dev.schemagate.api.RehearsalStatus;
import dev.schemagate.job.RehearsalRun;
import dev.schemagate.rehearsal.TerminationReport;
import java.util.LinkedHashMap;
import java.util.Objects;

/** A rehearsal's findings as status.rehearsal keeps them: short, lists capped. Pure. */
final class RehearsalFindings {
  /** The changes and locks status lists; the rest are counted. */
  static final int KEPT = 10;

  private RehearsalFindings() {}

  static RehearsalStatus running(String revision, String job) {
    var status = new RehearsalStatus();
    status.setRevision(revision);
    status.setJob(job);
    status.setResult(RehearsalStatus.RUNNING);
    return status;
  }

  /** A rehearsal that cannot run, and why. */
  static RehearsalStatus skipped(String revision, String job, String cause) {
    var status = running(revision, job);
    status.setResult(RehearsalStatus.SKIPPED);
    status.setCause(cause);
    return status;
  }

  /** What an ended rehearsal Job found. */
  static RehearsalStatus of(RehearsalRun run) {
    if (run.report().isEmpty()) {
      return skipped(
          run.revision(),
          run.job(),
          "the rehearsal Job ended without findings: "
              + run.message().orElse("no message")
              + " (kubectl logs job/"
              + run.job()
              + ")");
    }
    var report = run.report().get();
    var status = running(run.revision(), run.job());
    status.setDurationSeconds(Math.round(report.tookMs() / 100.0) / 10.0);
    switch (report.result()) {
      case TerminationReport.PASSED -> status.setResult(RehearsalStatus.PASSED);
      case TerminationReport.FAILED -> status.setResult(RehearsalStatus.FAILED);
      default -> {
        status.setResult(RehearsalStatus.SKIPPED);
        status.setCause(report.message());
        return status;
      }
    }
    status.setIdempotency(idempotency(report.rerun()));
    var failure = report.failure() != null ? report.failure() : report.rerunFailure();
    if (failure != null) {
      status.setFailingStatement(failure.migration());
      status.setSqlState(failure.sqlState());
      status.setCause(
          (report.failure() == null ? "failed when run again on its own result: " : "")
              + failure.error());
    }
    var changes =
        Objects.requireNonNullElse(report.changes(), java.util.List.<TerminationReport.Change>of());
    status.setChanges(
        changes.stream()
            .limit(KEPT)
            .map(c -> new RehearsalChange(c.kind(), c.name(), c.change(), c.destructive()))
            .toList());
    int moreChanges = Math.max(0, changes.size() - KEPT) + report.moreChanges();
    status.setMoreChanges(moreChanges == 0 ? null : moreChanges);
    var locks = new LinkedHashMap<String, String>();
    Objects.requireNonNullElse(report.locks(), java.util.Map.<String, String>of())
        .entrySet()
        .stream()
        .limit(KEPT)
        .forEach(e -> locks.put(e.getKey(), e.getValue()));
    int moreLocks =
        Math.max(0, Objects.requireNonNullElse(report.locks(), java.util.Map.of()).size() - KEPT)
            + report.moreLocks();
    if (moreLocks > 0) {
      locks.put("(more)", "+" + moreLocks + " more tables");
    }
    status.setLocks(locks);
    return status;
  }

  private static String idempotency(String rerun) {
    return switch (Objects.requireNonNullElse(rerun, "")) {
      case TerminationReport.PASSED -> "Passed";
      case TerminationReport.FAILED -> "Failed";
      case "off" -> "Off";
      default -> "NotRun";
    };
  }

  /** The destructive changes, for a person: {@code column players.division, table old}. */
  static String destructive(RehearsalStatus status) {
    var names =
        status.getChanges().stream()
            .filter(RehearsalChange::isDestructive)
            .map(c -> c.getChange().split(":")[0] + " " + c.getKind() + " " + c.getName())
            .toList();
    return String.join(", ", names)
        + (status.getMoreChanges() == null
            ? ""
            : " (+" + status.getMoreChanges() + " more changes)");
  }

  /** Whether it drops or narrows something. */
  static boolean isDestructive(RehearsalStatus status) {
    return status.getChanges().stream().anyMatch(RehearsalChange::isDestructive);
  }
}
