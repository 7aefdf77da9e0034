package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.job.FailureCause;
import dev.schemagate.rehearsal.SchemaChange.Action;
import dev.schemagate.rehearsal.SchemaChange.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RehearsalReportTest {
  private static final RehearsalReport.Copy COPY =
      new RehearsalReport.Copy(
          5,
          List.of("flyway_schema_history (745 bytes of rows)"),
          8358,
          Duration.ofMillis(231),
          Duration.ofMillis(519));

  @Test
  void aFailedRunSaysWhyFirstAndThatTheReRunWasNotTried() throws Exception {
    var cause =
        FailureCause.of(
            "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists");
    var report =
        new RehearsalReport(
            "5c1f0a9e2b",
            "schemagate migrate --dir migrations",
            Verdict.of(false, Optional.empty(), Idempotency.WARN, List.of(), false),
            Idempotency.WARN,
            COPY,
            new RehearsalReport.Run(false, 1, Duration.ofMillis(200), Optional.of(cause)),
            Optional.empty(),
            List.of(),
            Map.of(),
            Duration.ofMillis(1234),
            false,
            List.of());

    assertThat(report.lines())
        .containsExactly(
            "rehearsal FAILED: the migration failed on the copy of production's schema",
            "  migration: schemagate migrate --dir migrations (revision 5c1f0a9e2b)",
            "  copy: 5 tables, history flyway_schema_history (745 bytes of rows), in 0.5 s (pg_dump"
                + " held ACCESS SHARE on production's tables for 0.2 s)",
            "  run: failed after 0.2 s (exit 1): V8__add_team_model.sql: SQLSTATE 42710: ERROR:"
                + " type \"division\" already exists",
            "  re-run on its own result: not tried: the run failed",
            "  schema changes: none",
            "  locks on existing tables: none seen",
            "  took 1.2 s; production's schema is as it was");
    var json = new ObjectMapper().readTree(report.json());
    assertThat(json.get("result").asText()).isEqualTo("failed");
    assertThat(json.get("exitCode").asInt()).isEqualTo(1);
    assertThat(json.at("/run/sqlState").asText()).isEqualTo("42710");
    assertThat(json.at("/run/migration").asText()).isEqualTo("V8__add_team_model.sql");
    assertThat(json.at("/copy/dumpMs").asInt()).isEqualTo(231);
    assertThat(json.get("rerun").isNull()).isTrue();
  }

  @Test
  void aRefusedRunListsItsChangesAndLocks() throws Exception {
    var changes =
        List.of(
            new SchemaChange(Action.DROPPED, Kind.COLUMN, "players.guardian_phone", "text", true));
    var report =
        new RehearsalReport(
            "",
            "alembic upgrade head",
            Verdict.of(true, Optional.of(true), Idempotency.WARN, changes, false),
            Idempotency.WARN,
            COPY,
            new RehearsalReport.Run(true, 0, Duration.ofMillis(600), Optional.empty()),
            Optional.of(new RehearsalReport.Run(true, 0, Duration.ofMillis(100), Optional.empty())),
            changes,
            Map.of("players", LockMode.ACCESS_EXCLUSIVE),
            Duration.ofMillis(2000),
            true,
            List.of("dropped the leftover scratch database schemagate_rehearsal_x"));

    assertThat(report.lines())
        .contains(
            "  migration: alembic upgrade head",
            "  schema changes (1):",
            "    - column players.guardian_phone: text [destructive]",
            "    players: ACCESS EXCLUSIVE (blocks reads and writes)",
            "  note: dropped the leftover scratch database schemagate_rehearsal_x")
        .last()
        .asString()
        .startsWith("  took 2.0 s; WARNING: production's schema changed meanwhile");
    var json = new ObjectMapper().readTree(report.json());
    assertThat(json.get("result").asText()).isEqualTo("refused");
    assertThat(json.get("exitCode").asInt()).isEqualTo(5);
    assertThat(json.at("/changes/0/destructive").asBoolean()).isTrue();
    assertThat(json.at("/locks/0/mode").asText()).isEqualTo("ACCESS EXCLUSIVE");
    assertThat(json.at("/locks/0/blocksReads").asBoolean()).isTrue();
    assertThat(json.get("productionChanged").asBoolean()).isTrue();
  }
}
