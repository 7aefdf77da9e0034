package dev.schemagate.rehearsal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.job.FailureCause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A rehearsal's findings as the termination message of its pod, which the operator reads into
 * status.rehearsal: compact JSON that fits the 4096 bytes Kubernetes keeps, lists cut with a count
 * of what was left out. Pure.
 *
 * @param result passed, failed (the migration failed on the copy, or its re-run under require) or
 *     error (the rehearsal could not run: no CREATEDB, pg_dump older than the server, ...)
 * @param failure what failed: the run's, or the re-run's under require
 * @param rerun passed, failed, off or not-run
 * @param rerunFailure a re-run's failure that only warns
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TerminationReport(
    String result,
    int exitCode,
    long tookMs,
    String message,
    Failure failure,
    String rerun,
    Failure rerunFailure,
    List<Change> changes,
    int moreChanges,
    Map<String, String> locks,
    int moreLocks) {
  /** What Kubernetes keeps of a termination message, with room to spare. */
  static final int MAX_BYTES = 4000;

  static final int MAX_TEXT = FailureCause.MAX_SUMMARY;

  public static final String PASSED = "passed";
  public static final String FAILED = "failed";
  public static final String ERROR = "error";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public record Failure(String migration, String sqlState, String error) {
    static Failure of(FailureCause cause) {
      return new Failure(
          cause.migration().orElse(null), cause.sqlState().orElse(null), cut(cause.line()));
    }
  }

  public record Change(String kind, String name, String change, boolean destructive) {}

  /** The report of a rehearsal that ran (whatever its verdict). */
  public static String of(RehearsalReport report) {
    var run = report.run();
    var rerun = report.rerun();
    boolean failed = report.verdict().exitCode() == Verdict.FAILED;
    Optional<Failure> failure =
        !run.succeeded()
            ? run.cause().map(Failure::of)
            : failed
                ? rerun.flatMap(RehearsalReport.Run::cause).map(Failure::of)
                : Optional.<Failure>empty();
    var rerunFailure =
        failed || rerun.isEmpty() || rerun.get().succeeded()
            ? Optional.<Failure>empty()
            : rerun.get().cause().map(Failure::of);
    var changes =
        report.changes().stream()
            // Destructive first: what is cut to fit is never what approval turns on.
            .sorted(java.util.Comparator.comparing((SchemaChange c) -> !c.destructive()))
            .map(
                c ->
                    new Change(
                        c.kind().word(),
                        c.name(),
                        c.action().name().toLowerCase(Locale.ROOT)
                            + (c.detail().isEmpty() ? "" : ": " + cut(c.detail())),
                        c.destructive()))
            .toList();
    var locks = new LinkedHashMap<String, String>();
    report.locks().forEach((table, mode) -> locks.put(table, mode.sqlName()));
    return fit(
        new TerminationReport(
            failed ? FAILED : PASSED,
            report.verdict().exitCode(),
            report.took().toMillis(),
            cut(report.verdict().headline()),
            failure.orElse(null),
            rerun
                .map(r -> r.succeeded() ? PASSED : FAILED)
                .orElse(report.idempotency() == Idempotency.OFF ? "off" : "not-run"),
            rerunFailure.orElse(null),
            changes,
            0,
            locks,
            0));
  }

  /** The report of a rehearsal that could not run. */
  public static String error(int exitCode, String message) {
    return json(
        new TerminationReport(
            ERROR, exitCode, 0, cut(message), null, null, null, List.of(), 0, Map.of(), 0));
  }

  /** The report in a termination message; empty when it holds none (a pod killed early). */
  public static Optional<TerminationReport> read(String message) {
    if (message == null || !message.strip().startsWith("{")) {
      return Optional.empty();
    }
    try {
      var report = JSON.readValue(message.strip(), TerminationReport.class);
      return report.result() == null ? Optional.empty() : Optional.of(report);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The changes and the locks cut from their ends until the JSON fits. */
  private static String fit(TerminationReport report) {
    var changes = new ArrayList<>(report.changes());
    var locks = new LinkedHashMap<>(report.locks());
    int moreChanges = 0;
    int moreLocks = 0;
    while (true) {
      var json =
          json(
              new TerminationReport(
                  report.result(),
                  report.exitCode(),
                  report.tookMs(),
                  report.message(),
                  report.failure(),
                  report.rerun(),
                  report.rerunFailure(),
                  changes,
                  moreChanges,
                  locks,
                  moreLocks));
      if (json.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
        return json;
      }
      // From the longer list, so that both keep their first entries.
      if (!changes.isEmpty() && changes.size() > locks.size()) {
        changes.remove(changes.size() - 1);
        moreChanges++;
      } else if (!locks.isEmpty()) {
        locks.remove(locks.keySet().stream().reduce((a, b) -> b).orElseThrow());
        moreLocks++;
      } else {
        return json; // three lines of at most 300 characters each: never here
      }
    }
  }

  private static String json(TerminationReport report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cut(String text) {
    if (text == null || text.length() <= MAX_TEXT) {
      return text;
    }
    return text.substring(0, MAX_TEXT - 1) + "…";
  }
}
