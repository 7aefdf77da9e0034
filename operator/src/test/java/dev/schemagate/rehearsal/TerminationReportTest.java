package dev.schemagate.rehearsal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.job.FailureCause;
import dev.schemagate.rehearsal.SchemaChange.Action;
import dev.schemagate.rehearsal.SchemaChange.Kind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TerminationReportTest {
  static final RehearsalReport.Copy COPY =
      new RehearsalReport.Copy(5, List.of(), 100, Duration.ofMillis(200), Duration.ofMillis(500));

  static RehearsalReport report(
      boolean runOk,
      Optional<RehearsalReport.Run> rerun,
      List<SchemaChange> changes,
      Map<String, LockMode> locks) {
    var cause =
        FailureCause.of(
            "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists");
    return new RehearsalReport(
        "5c1f0a9e2b",
        "schemagate migrate --dir /migrations",
        Verdict.of(
            runOk, rerun.map(RehearsalReport.Run::succeeded), Idempotency.WARN, changes, true),
        Idempotency.WARN,
        COPY,
        new RehearsalReport.Run(
            runOk,
            runOk ? 0 : 1,
            Duration.ofMillis(200),
            runOk ? Optional.empty() : Optional.of(cause)),
        rerun,
        changes,
        locks,
        Duration.ofMillis(3120),
        false,
        List.of());
  }

  @Test
  void aFailedRunCarriesItsMigrationSqlStateAndError() {
    var read =
        TerminationReport.read(
                TerminationReport.of(report(false, Optional.empty(), List.of(), Map.of())))
            .orElseThrow();

    assertThat(read.result()).isEqualTo("failed");
    assertThat(read.exitCode()).isEqualTo(1);
    assertThat(read.tookMs()).isEqualTo(3120);
    assertThat(read.failure().migration()).isEqualTo("V8__add_team_model.sql");
    assertThat(read.failure().sqlState()).isEqualTo("42710");
    assertThat(read.failure().error()).contains("type \"division\" already exists");
    assertThat(read.rerun()).isEqualTo("not-run");
  }

  @Test
  void aFailedReRunOnlyWarnsAndIsNamed() {
    var rerun =
        new RehearsalReport.Run(
            false,
            1,
            Duration.ofMillis(100),
            Optional.of(
                FailureCause.of("V8__x.sql: SQLSTATE 42710: ERROR: type \"a\" already exists")));
    var read =
        TerminationReport.read(
                TerminationReport.of(report(true, Optional.of(rerun), List.of(), Map.of())))
            .orElseThrow();

    assertThat(read.result()).isEqualTo("passed");
    assertThat(read.failure()).isNull();
    assertThat(read.rerun()).isEqualTo("failed");
    assertThat(read.rerunFailure().migration()).isEqualTo("V8__x.sql");
  }

  @Test
  void manyChangesAndLocksAreCutToFitWithCountsAndDestructiveOnesKept() {
    var changes =
        new java.util.ArrayList<>(
            IntStream.range(0, 200)
                .mapToObj(
                    i ->
                        new SchemaChange(
                            Action.ADDED,
                            Kind.TABLE,
                            "table_with_a_long_name_" + i,
                            "id integer NOT NULL, name text, created_at timestamp with time zone",
                            false))
                .toList());
    changes.add(new SchemaChange(Action.DROPPED, Kind.COLUMN, "players.division", "text", true));
    var locks = new LinkedHashMap<String, LockMode>();
    IntStream.range(0, 200).forEach(i -> locks.put("existing_" + i, LockMode.ACCESS_EXCLUSIVE));

    var json = TerminationReport.of(report(true, Optional.empty(), changes, locks));
    var read = TerminationReport.read(json).orElseThrow();

    assertThat(json.getBytes(UTF_8).length).isLessThanOrEqualTo(4000);
    assertThat(read.changes().get(0).name()).isEqualTo("players.division");
    assertThat(read.changes().get(0).destructive()).isTrue();
    assertThat(read.changes().size() + read.moreChanges()).isEqualTo(201);
    assertThat(read.locks().size() + read.moreLocks()).isEqualTo(200);
  }

  @Test
  void aRehearsalThatCouldNotRunSaysWhy() {
    var read =
        TerminationReport.read(TerminationReport.error(3, "permission denied to create database"))
            .orElseThrow();

    assertThat(read.result()).isEqualTo("error");
    assertThat(read.exitCode()).isEqualTo(3);
    assertThat(read.message()).isEqualTo("permission denied to create database");
  }

  @Test
  void aMessageThatIsNoReportReadsAsNone() {
    assertThat(TerminationReport.read("exit code 137 (OOMKilled)")).isEmpty();
    assertThat(TerminationReport.read("{not json")).isEmpty();
    assertThat(TerminationReport.read(null)).isEmpty();
  }
}
