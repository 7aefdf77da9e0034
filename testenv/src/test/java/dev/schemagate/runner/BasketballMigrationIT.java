package dev.schemagate.runner;

import static java.util.function.Predicate.isEqual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.UnexpectedLogErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The basketball-api migrations on a real PostgreSQL: the database is at 007 and 008 comes along.
 */
// Flyway logs the migration it rolled back; these tests fail migrations on purpose.
@UnexpectedLogErrors.Expected("DbMigrate: Migration of schema .* failed")
class BasketballMigrationIT {
  @TempDir Path tmp;

  private String databaseAtV7() {
    return Migrate.databaseAtV7(tmp, "story");
  }

  @Test
  void brokenV8FailsWithTheServersErrorAndLeavesTheSchemaAtV7() {
    String url = databaseAtV7();
    List<Path> broken = new ArrayList<>(Migrations.upToV7());
    broken.add(Migrations.brokenV8());

    Migrate run = Migrate.run(url, Migrations.dir(tmp, "broken", broken));

    String line = "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists";
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.terminationLog()).isEqualTo(line + "\n");
    assertThat(run.err()).contains(line).doesNotContain("\tat ");
    assertThat(
            Sql.value(
                url, "SELECT max(version::int) || '|' || count(*) FROM flyway_schema_history"))
        .isEqualTo("7|7");
    assertThat(Sql.value(url, "SELECT count(*) FROM flyway_schema_history WHERE NOT success"))
        .isEqualTo("0");
    // The transaction rolled back what 008 did before failing: agegroup is gone too.
    assertThat(Sql.value(url, "SELECT to_regclass('teams') IS NULL")).isEqualTo("t");
    assertThat(Sql.value(url, "SELECT count(*) FROM pg_type WHERE typname = 'agegroup'"))
        .isEqualTo("0");
    assertThat(
            Sql.rows(
                url,
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'players'"))
        .contains("guardian_email")
        .doesNotContain("team_id");
  }

  @Test
  void fixedV8CreatesTheTeamModel() {
    String url = databaseAtV7();

    Migrate run = Migrate.run(url, Migrations.EXAMPLE);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo("Applied 1 migration (V8 add team model); schema at version 8\n");
    assertThat(run.terminationLog()).isEmpty();
    assertThat(
            Sql.rows(
                url,
                "SELECT column_name, udt_name FROM information_schema.columns"
                    + " WHERE table_name = 'teams' ORDER BY ordinal_position"))
        .containsExactly(
            "id|int4",
            "tenant_id|int4",
            "name|varchar",
            "division|division",
            "age_group|agegroup",
            "coach_id|int4",
            "created_at|timestamptz");
    assertThat(
            Sql.rows(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'teams' ORDER BY 1"))
        .containsExactly("ix_teams_coach_id", "ix_teams_tenant_id", "teams_pkey");
    assertThat(
            Sql.rows(
                url,
                "SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid"
                    + " WHERE typname = 'division' ORDER BY enumsortorder"))
        .containsExactly("boys", "girls");
    assertThat(
            Sql.value(
                url,
                "SELECT conrelid::regclass || '(' || a.attname || ') -> ' || confrelid::regclass"
                    + " FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND"
                    + " a.attnum = ANY (c.conkey) WHERE contype = 'f' AND conrelid ="
                    + " 'players'::regclass AND confrelid = 'teams'::regclass"))
        .isEqualTo("players(team_id) -> teams");
    assertThat(
            Sql.rows(
                url,
                "SELECT version || '|' || script || '|' || success FROM flyway_schema_history"
                    + " WHERE version = '8'"))
        .containsExactly("8|V8__add_team_model.sql|true");
  }

  @Test
  void rerunAppliesNothing() {
    String url = databaseAtV7();
    assertThat(Migrate.run(url, Migrations.EXAMPLE).exitCode()).isZero();
    List<String> history = Sql.rows(url, Migrations.HISTORY);

    Migrate rerun = Migrate.run(url, Migrations.EXAMPLE);

    assertThat(rerun.exitCode()).as(rerun.err()).isZero();
    assertThat(rerun.out()).isEqualTo("Schema up to date at version 8; nothing to apply\n");
    assertThat(rerun.err()).isEmpty();
    assertThat(Sql.rows(url, Migrations.HISTORY)).isEqualTo(history).hasSize(8);
  }

  @Test
  void twoRunnersAtOnceApplyV8Once() throws Exception {
    String url = databaseAtV7();
    var pool = Executors.newFixedThreadPool(2);
    List<Future<Migrate>> runs = new ArrayList<>();
    // Hold both runners at their first read of the history table, then let them go at once.
    try (Connection gate = LocalPostgres.connect(url)) {
      gate.setAutoCommit(false);
      gate.createStatement().execute("LOCK TABLE flyway_schema_history IN ACCESS EXCLUSIVE MODE");
      for (int i = 0; i < 2; i++) {
        runs.add(pool.submit(() -> Migrate.run(url, Migrations.EXAMPLE)));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Sql.value(
                      url,
                      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND"
                          + " wait_event_type = 'Lock'"),
              isEqual("2"));
      gate.commit();
    }
    List<Migrate> done = new ArrayList<>();
    for (Future<Migrate> run : runs) {
      done.add(run.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    assertThat(done).extracting(Migrate::exitCode).containsExactly(0, 0);
    assertThat(done).extracting(Migrate::err).containsExactly("", "");
    assertThat(done)
        .extracting(Migrate::out)
        .containsExactlyInAnyOrder(
            "Applied 1 migration (V8 add team model); schema at version 8\n",
            "Schema up to date at version 8; nothing to apply\n");
    assertThat(Sql.value(url, "SELECT count(*) FROM flyway_schema_history WHERE version = '8'"))
        .isEqualTo("1");
  }

  @Test
  void createIndexConcurrentlyDoesNotWaitForTheRunnersOwnSession() throws Exception {
    String url = databaseAtV7();
    Path dir = Migrations.dir(tmp, "concurrently", Migrations.upToV7());
    Files.writeString(
        dir.resolve("V8__index_guardian_email.sql"),
        "CREATE INDEX CONCURRENTLY ix_players_guardian_email ON players (guardian_email);\n");

    Migrate run = Migrate.run(url, dir, "--lock-timeout", "2s", "--lock-retry-budget", "0s");

    // A transaction-level Flyway lock would hold a transaction open on the runner's other
    // session, which the index build waits for until lock_timeout.
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(
            Sql.value(
                url,
                "SELECT indisvalid FROM pg_index"
                    + " WHERE indexrelid = 'ix_players_guardian_email'::regclass"))
        .isEqualTo("t");
  }

  @Test
  void baselineAdoptsADatabaseAnotherToolMigratedToV7() throws Exception {
    String alembicDb = LocalPostgres.shared().createDatabase("baseline");
    for (Path file : Migrations.upToV7()) {
      Sql.execute(alembicDb, Files.readString(file));
    }

    Migrate run = Migrate.run(alembicDb, Migrations.EXAMPLE, "--baseline-version", "7");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo("Applied 1 migration (V8 add team model); schema at version 8\n");
    assertThat(
            Sql.rows(
                alembicDb,
                "SELECT version || '|' || type || '|' || success FROM flyway_schema_history"
                    + " ORDER BY installed_rank"))
        .containsExactly("7|BASELINE|true", "8|SQL|true");
    assertThat(Sql.value(alembicDb, "SELECT to_regclass('teams') IS NOT NULL")).isEqualTo("t");
  }
}
