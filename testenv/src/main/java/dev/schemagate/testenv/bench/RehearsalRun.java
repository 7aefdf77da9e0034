package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.OperatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * What {@code schemagate rehearse} adds to a release: the command as a CI step or the rehearsal Job
 * runs it (a JVM of its own, the Job's options), against a production database at the state before
 * the release, for the basketball-api (at 007, rehearsing 008) and for a generated schema of 200
 * tables (rehearsing a column and an index added). Wall time from process start to exit, and the
 * phases the report gives: the copy, the part of it pg_dump held ACCESS SHARE locks on production's
 * tables, the run, the re-run.
 */
final class RehearsalRun {
  private static final Path MIGRATIONS = Path.of("examples/basketball-api/migrations");

  /** Tables of the generated schema. */
  static final int GENERATED_TABLES = 200;

  private RehearsalRun() {}

  record Case(String name, Path before, Path release) {}

  static void run(Path work, int rounds) throws Exception {
    Files.createDirectories(work);
    var job = RunnerRun.setups(work).get(0);
    for (var c : List.of(basketball(work), generated(work))) {
      progress("rehearsal: " + c.name() + ", " + rounds + " rounds");
      var production = LocalPostgres.shared().createDatabase("production");
      RunnerRun.timed(migrate(job, production, c.before(), work))
          .requireSuccess(c.name() + " setup");
      var walls = new ArrayList<Double>();
      var reports = new ArrayList<JsonNode>();
      for (int r = 0; r < rounds; r++) {
        var timed =
            RunnerRun.timed(rehearse(job, production, c.release())).requireSuccess(c.name());
        walls.add(timed.wallMs());
        reports.add(json(timed.output()));
      }
      var prefix = "rehearsal_" + c.name();
      put(prefix + "_tables", reports.get(0).at("/copy/tables").asText());
      put(prefix + "_wall_ms", "%.0f".formatted(Percentiles.nearestRank(walls, 50)));
      put(prefix + "_in_jvm_ms", median(reports, n -> n.get("tookMs").asDouble()));
      put(prefix + "_copy_ms", median(reports, n -> n.at("/copy/tookMs").asDouble()));
      put(prefix + "_dump_locks_held_ms", median(reports, n -> n.at("/copy/dumpMs").asDouble()));
      put(prefix + "_dump_bytes", reports.get(0).at("/copy/dumpBytes").asText());
      put(prefix + "_run_ms", median(reports, n -> n.at("/run/tookMs").asDouble()));
      put(prefix + "_rerun_ms", median(reports, n -> n.at("/rerun/tookMs").asDouble()));
    }
  }

  /** Production at 007; the release is the example's directory, with 008. */
  private static Case basketball(Path work) throws IOException {
    var before = Files.createDirectories(work.resolve("basketball-v7"));
    try (Stream<Path> files = Files.list(Binaries.repoRoot().resolve(MIGRATIONS))) {
      for (var f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
        if (!f.getFileName().toString().startsWith("V8__")) {
          Files.copy(f, before.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return new Case("basketball", before, Binaries.repoRoot().resolve(MIGRATIONS));
  }

  /**
   * 200 tables of 8 columns, each with a foreign key to the one before and an index, over 4 enum
   * types; the release adds a column to one and an index to another, idempotently.
   */
  private static Case generated(Path work) throws IOException {
    var before = Files.createDirectories(work.resolve("generated-before"));
    var release = Files.createDirectories(work.resolve("generated-release"));
    var sql = new StringBuilder();
    for (int e = 0; e < 4; e++) {
      sql.append("CREATE TYPE kind_%d AS ENUM ('a', 'b', 'c');%n".formatted(e));
    }
    for (int t = 0; t < GENERATED_TABLES; t++) {
      sql.append(
          """
          CREATE TABLE t_%1$03d (
              id          BIGSERIAL PRIMARY KEY,
              parent_id   BIGINT %2$s,
              name        VARCHAR(100) NOT NULL,
              kind        kind_%3$d NOT NULL,
              amount      NUMERIC(12,2),
              active      BOOLEAN NOT NULL DEFAULT true,
              payload     JSONB,
              created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
          );
          CREATE INDEX ix_t_%1$03d_name ON t_%1$03d (name);
          """
              .formatted(t, t == 0 ? "" : "REFERENCES t_%03d (id)".formatted(t - 1), t % 4));
    }
    Files.writeString(before.resolve("V1__generated.sql"), sql);
    Files.writeString(release.resolve("V1__generated.sql"), sql);
    Files.writeString(
        release.resolve("V2__note_and_index.sql"),
        "ALTER TABLE t_000 ADD COLUMN IF NOT EXISTS note TEXT;\n"
            + "CREATE INDEX IF NOT EXISTS ix_t_100_created_at ON t_100 (created_at);\n");
    return new Case("generated_" + GENERATED_TABLES, before, release);
  }

  private static List<String> migrate(RunnerRun.Setup job, String url, Path dir, Path work) {
    var command = java(job);
    command.addAll(
        List.of(
            "migrate",
            "--url=" + url,
            "--dir=" + dir,
            "--termination-log=" + work.resolve("termination-log")));
    return command;
  }

  private static List<String> rehearse(RunnerRun.Setup job, String url, Path dir) {
    var command = java(job);
    command.addAll(List.of("rehearse", "--url=" + url, "--dir=" + dir, "--output=json"));
    return command;
  }

  private static List<String> java(RunnerRun.Setup job) {
    var command = new ArrayList<String>();
    command.add(job.java().toString());
    command.addAll(job.jvm());
    command.addAll(List.of("-cp", OperatorProcess.jar().toString(), "dev.schemagate.Main"));
    return command;
  }

  /** The report: the JSON object in the output, which also holds the migration's own lines. */
  private static JsonNode json(String output) throws IOException {
    int start = output.indexOf("\n{");
    return new ObjectMapper().readTree(start < 0 ? output : output.substring(start + 1));
  }

  private static String median(List<JsonNode> reports, ToDoubleFunction<JsonNode> figure) {
    return "%.0f"
        .formatted(
            Percentiles.nearestRank(reports.stream().map(figure::applyAsDouble).toList(), 50));
  }
}
