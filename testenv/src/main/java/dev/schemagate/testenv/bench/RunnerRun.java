package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.job.MigrationJob;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.OperatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * The migration runner's start-up against real psql, interleaved: each round applies the example's
 * V1..V8 to a fresh database with {@code psql -1 -f} and with {@code schemagate migrate} in each
 * JVM setup, then re-runs each runner on its now migrated database (a no-op). Wall time from
 * process start to exit; peak RSS from GNU time's maximum resident set.
 */
final class RunnerRun {
  private static final Path MIGRATIONS = Path.of("examples/basketball-api/migrations");
  private static final String TIME = "/usr/bin/time";

  /** A JVM setup: which java, its options, and an archive a training run writes first, if any. */
  record Setup(String name, Path java, List<String> jvm, List<String> training) {}

  private RunnerRun() {}

  static void run(Path work, int rounds) throws Exception {
    if (!Files.isExecutable(Path.of(TIME))) {
      progress("runner: skipped, no " + TIME + " (Debian package time) for peak RSS");
      return;
    }
    try {
      new ProcessBuilder("psql", "--version").start().waitFor();
    } catch (IOException e) {
      progress("runner: skipped, no psql on the PATH (Debian package postgresql-client)");
      return;
    }
    Files.createDirectories(work);
    var sql = work.resolve("V1-V8.sql");
    try (var files = Files.list(Binaries.repoRoot().resolve(MIGRATIONS))) {
      var all = new StringBuilder();
      for (var f :
          files.filter(p -> p.toString().endsWith(".sql")).sorted(RunnerRun::byVersion).toList()) {
        all.append(Files.readString(f)).append('\n');
      }
      Files.writeString(sql, all);
    }
    var postgres = LocalPostgres.shared();
    var setups = setups(work);
    for (var s : setups) {
      if (!s.training().isEmpty()) {
        progress("runner: training run for " + s.name());
        var db = postgres.createDatabase("train");
        timed(runner(s.java(), s.training(), db, work)).requireSuccess(s.name() + " training");
      }
    }
    var psql = new ArrayList<Timed>();
    var fresh = new LinkedHashMap<String, List<Timed>>();
    var noop = new LinkedHashMap<String, List<Timed>>();
    progress("runner: " + rounds + " interleaved rounds of psql and " + setups.size() + " runners");
    for (int r = 0; r < rounds; r++) {
      var db = postgres.createDatabase("psql");
      psql.add(
          timed(
                  List.of(
                      "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f", sql.toString(), db))
              .requireSuccess("psql"));
      for (var s : setups) {
        var target = postgres.createDatabase("runner");
        fresh
            .computeIfAbsent(s.name(), k -> new ArrayList<>())
            .add(timed(runner(s.java(), s.jvm(), target, work)).requireSuccess(s.name()));
        noop.computeIfAbsent(s.name(), k -> new ArrayList<>())
            .add(timed(runner(s.java(), s.jvm(), target, work)).requireSuccess(s.name()));
      }
    }
    var psqlWall = medianWall(psql);
    put("runner_rounds", Integer.toString(rounds));
    put("psql_wall_ms", "%.0f".formatted(psqlWall));
    put("psql_peak_rss_mib", "%.1f".formatted(peakMib(psql)));
    for (var s : setups) {
      var f = fresh.get(s.name());
      var n = noop.get(s.name());
      var prefix = "runner_" + s.name();
      put(prefix + "_jvm", String.join(" ", s.jvm()));
      put(prefix + "_fresh_wall_ms", "%.0f".formatted(medianWall(f)));
      put(prefix + "_noop_wall_ms", "%.0f".formatted(medianWall(n)));
      put(
          prefix + "_vs_psql_wall_ratio",
          "%.2f".formatted(Math.max(medianWall(f), medianWall(n)) / psqlWall));
      put(prefix + "_peak_rss_mib", "%.1f".formatted(Math.max(peakMib(f), peakMib(n))));
    }
    // The headline figures are the Job's runner (the first setup): the worse of fresh and no-op.
    var headline = setups.get(0).name();
    put(
        "runner_vs_psql_wall_ratio",
        "%.2f"
            .formatted(
                Math.max(medianWall(fresh.get(headline)), medianWall(noop.get(headline)))
                    / psqlWall));
    put(
        "runner_peak_rss_mib",
        "%.1f".formatted(Math.max(peakMib(fresh.get(headline)), peakMib(noop.get(headline)))));
  }

  /**
   * The Job's runner first (the image's jib jvmFlags, then {@link MigrationJob#RUNNER_JVM_OPTIONS}
   * as the Job's JDK_JAVA_OPTIONS), then the image's flags alone (before the Job set any), and the
   * levers measured beside them: a CDS archive of the runner's classes, JDK 25 where installed
   * (compact object headers, its AOT cache).
   */
  static List<Setup> setups(Path work) {
    var java17 = Path.of(System.getProperty("java.home"), "bin", "java");
    var image = List.of("-XX:MaxRAMPercentage=75");
    var job =
        Stream.concat(image.stream(), Stream.of(MigrationJob.RUNNER_JVM_OPTIONS.split(" ")))
            .toList();
    var setups = new ArrayList<Setup>();
    setups.add(new Setup("job", java17, job, List.of()));
    setups.add(new Setup("image_flags_only", java17, image, List.of()));
    var cds = work.resolve("runner-17.jsa").toString();
    setups.add(
        new Setup(
            "job_appcds",
            java17,
            with(job, "-XX:SharedArchiveFile=" + cds),
            with(job, "-XX:ArchiveClassesAtExit=" + cds)));
    var java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    if (Files.isExecutable(java25)) {
      var aot = work.resolve("runner-25.aot").toString();
      var job25 = with(job, "-XX:+UseCompactObjectHeaders");
      setups.add(new Setup("jdk25_job", java25, job25, List.of()));
      setups.add(
          new Setup(
              "jdk25_job_aot",
              java25,
              with(job25, "-XX:AOTCache=" + aot),
              with(job25, "-XX:AOTCacheOutput=" + aot)));
    }
    return setups;
  }

  private static List<String> with(List<String> options, String more) {
    return Stream.concat(options.stream(), Stream.of(more)).toList();
  }

  private static List<String> runner(Path java, List<String> jvm, String url, Path work) {
    var command = new ArrayList<String>();
    command.add(java.toString());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-cp",
            OperatorProcess.jar().toString(),
            "dev.schemagate.Main",
            "migrate",
            "--url=" + url,
            "--dir=" + Binaries.repoRoot().resolve(MIGRATIONS),
            "--termination-log=" + work.resolve("termination-log")));
    return command;
  }

  /** One process's wall time and peak RSS. */
  record Timed(List<String> command, int exit, double wallMs, long peakKib, String output) {
    Timed requireSuccess(String what) {
      if (exit != 0) {
        throw new IllegalStateException(what + " exited " + exit + ": " + output);
      }
      return this;
    }
  }

  static Timed timed(List<String> command) throws IOException, InterruptedException {
    var report = Files.createTempFile("time", ".txt");
    try {
      var full = new ArrayList<>(List.of(TIME, "-f", "%M", "-o", report.toString()));
      full.addAll(command);
      var builder = new ProcessBuilder(full).redirectErrorStream(true);
      builder.environment().remove("JAVA_TOOL_OPTIONS");
      var start = System.nanoTime();
      var process = builder.start();
      var output = new String(process.getInputStream().readAllBytes());
      var exit = process.waitFor();
      var wallMs = (System.nanoTime() - start) / 1e6;
      return new Timed(command, exit, wallMs, peakKib(Files.readAllLines(report)), output);
    } finally {
      Files.deleteIfExists(report);
    }
  }

  /** GNU time's {@code %M} line (maximum resident set, KiB): the last line that is a number. */
  static long peakKib(List<String> report) {
    return report.stream()
        .map(String::strip)
        .filter(l -> l.matches("[0-9]+"))
        .mapToLong(Long::parseLong)
        .reduce((a, b) -> b)
        .orElse(0);
  }

  private static double medianWall(List<Timed> runs) {
    return Percentiles.nearestRank(runs.stream().map(Timed::wallMs).toList(), 50);
  }

  private static double peakMib(List<Timed> runs) {
    return runs.stream().mapToLong(Timed::peakKib).max().orElse(0) / 1024.0;
  }

  /** V2 before V10: Flyway's order, by the version number after the V. */
  private static int byVersion(Path a, Path b) {
    return Integer.compare(version(a), version(b));
  }

  private static int version(Path p) {
    return Integer.parseInt(p.getFileName().toString().replaceAll("^V([0-9]+)__.*", "$1"));
  }
}
