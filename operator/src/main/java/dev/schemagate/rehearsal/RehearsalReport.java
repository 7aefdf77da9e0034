package dev.schemagate.rehearsal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.schemagate.job.FailureCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a rehearsal found, as lines for people and as JSON for CI tools.
 *
 * @param rerun empty when the run failed or the idempotency check is off
 * @param locks the strongest lock sampled on each table that existed before the run
 * @param notes what else happened: leftover scratch databases swept
 */
public record RehearsalReport(
    String revision,
    String migration,
    Verdict verdict,
    Idempotency idempotency,
    Copy copy,
    Run run,
    Optional<Run> rerun,
    List<SchemaChange> changes,
    Map<String, LockMode> locks,
    Duration took,
    boolean productionChanged,
    List<String> notes) {

  /**
   * The copy: its history tables (name and bytes of rows), the time it took, and the part of it
   * that pg_dump held its ACCESS SHARE locks on production's tables.
   */
  public record Copy(
      int tables, List<String> historyTables, long dumpBytes, Duration dumpTook, Duration took) {}

  /** One run of the migration on the copy. */
  public record Run(boolean succeeded, int exitCode, Duration took, Optional<FailureCause> cause) {}

  /** This report with the rehearsal's whole time, and whether production changed meanwhile. */
  RehearsalReport finished(Duration took, boolean productionChanged) {
    return new RehearsalReport(
        revision,
        migration,
        verdict,
        idempotency,
        copy,
        run,
        rerun,
        changes,
        locks,
        took,
        productionChanged,
        notes);
  }

  public List<String> lines() {
    var lines = new ArrayList<String>();
    lines.add("rehearsal " + verdict.headline());
    lines.add(
        "  migration: " + migration + (revision.isEmpty() ? "" : " (revision " + revision + ")"));
    lines.add(
        ("  copy: %d table%s, history %s, in %s (pg_dump held ACCESS SHARE on production's tables"
                + " for %s)")
            .formatted(
                copy.tables(),
                copy.tables() == 1 ? "" : "s",
                copy.historyTables().isEmpty()
                    ? "none found"
                    : String.join(", ", copy.historyTables()),
                seconds(copy.took()),
                seconds(copy.dumpTook())));
    lines.add("  run: " + describe(run));
    lines.add(
        "  re-run on its own result: "
            + rerun
                .map(RehearsalReport::describe)
                .orElse(
                    idempotency == Idempotency.OFF
                        ? "off (--idempotency=off)"
                        : "not tried: the run failed"));
    if (changes.isEmpty()) {
      lines.add("  schema changes: none");
    } else {
      lines.add("  schema changes (" + changes.size() + "):");
      changes.forEach(c -> lines.add("    " + c.line()));
    }
    if (locks.isEmpty()) {
      lines.add("  locks on existing tables: none seen");
    } else {
      lines.add("  locks on existing tables (the strongest seen; what the app would wait for):");
      locks.forEach(
          (table, mode) ->
              lines.add("    " + table + ": " + mode.sqlName() + " (" + mode.effect() + ")"));
    }
    notes.forEach(n -> lines.add("  note: " + n));
    lines.add(
        "  took "
            + seconds(took)
            + (productionChanged
                ? "; WARNING: production's schema changed meanwhile (another migration, or a"
                    + " command that does not take its database from the URL variable)"
                : "; production's schema is as it was"));
    return lines;
  }

  public String json() {
    var root = new LinkedHashMap<String, Object>();
    root.put(
        "result",
        verdict.exitCode() == Verdict.PASSED
            ? "passed"
            : verdict.exitCode() == Verdict.DESTRUCTIVE ? "refused" : "failed");
    root.put("exitCode", verdict.exitCode());
    root.put("message", verdict.headline());
    root.put("revision", revision);
    root.put("migration", migration);
    root.put("idempotency", idempotency.name().toLowerCase(Locale.ROOT));
    root.put(
        "copy",
        Map.of(
            "tables", copy.tables(),
            "historyTables", copy.historyTables(),
            "dumpBytes", copy.dumpBytes(),
            "dumpMs", copy.dumpTook().toMillis(),
            "tookMs", copy.took().toMillis()));
    root.put("run", json(run));
    root.put("rerun", rerun.map(RehearsalReport::json).orElse(null));
    var changeList = new ArrayList<Map<String, Object>>();
    for (SchemaChange c : changes) {
      var change = new LinkedHashMap<String, Object>();
      change.put("action", c.action().name().toLowerCase(Locale.ROOT));
      change.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
      change.put("name", c.name());
      change.put("detail", c.detail());
      change.put("destructive", c.destructive());
      changeList.add(change);
    }
    root.put("changes", changeList);
    var lockList = new ArrayList<Map<String, Object>>();
    locks.forEach(
        (table, mode) ->
            lockList.add(
                Map.of(
                    "table", table,
                    "mode", mode.sqlName(),
                    "blocksReads", mode.blocksReads(),
                    "blocksWrites", mode.blocksWrites())));
    root.put("locks", lockList);
    root.put("tookMs", took.toMillis());
    root.put("productionChanged", productionChanged);
    root.put("notes", notes);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> json(Run run) {
    var map = new LinkedHashMap<String, Object>();
    map.put("succeeded", run.succeeded());
    map.put("exitCode", run.exitCode());
    map.put("tookMs", run.took().toMillis());
    run.cause()
        .ifPresent(
            cause -> {
              map.put("migration", cause.migration().orElse(null));
              map.put("sqlState", cause.sqlState().orElse(null));
              map.put("error", cause.line());
            });
    return map;
  }

  private static String describe(Run run) {
    if (run.succeeded()) {
      return "succeeded in " + seconds(run.took());
    }
    return "failed after "
        + seconds(run.took())
        + " (exit "
        + run.exitCode()
        + "): "
        + run.cause().map(FailureCause::summary).orElse("no output");
  }

  static String seconds(Duration d) {
    return "%.1f s".formatted(d.toMillis() / 1000.0);
  }
}
