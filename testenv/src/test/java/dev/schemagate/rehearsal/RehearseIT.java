package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schemagate.CommandRun;
import dev.schemagate.runner.Migrate;
import dev.schemagate.runner.Migrations;
import dev.schemagate.runner.Sql;
import dev.schemagate.testenv.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code schemagate rehearse} on a real PostgreSQL, against a "production" database at the
 * basketball-api's 007: what the rehearsal reports, and that production is left as it was.
 */
class RehearseIT {
  @TempDir Path tmp;

  /** As production stands in the story. */
  private String productionAtV7() {
    return Migrate.databaseAtV7(tmp, "production");
  }

  /** V1..V7 and the given V8. */
  private Path withV8(String name, String v8) {
    Path dir = Migrations.dir(tmp, name, Migrations.upToV7());
    write(dir.resolve("V8__" + name + ".sql"), v8);
    return dir;
  }

  @Test
  void brokenV8FailsOnTheCopyAndProductionIsUntouched() throws Exception {
    String production = productionAtV7();
    var catalogBefore = catalog(production);
    var historyBefore = Sql.rows(production, Migrations.HISTORY);
    List<Path> broken = new ArrayList<>(Migrations.upToV7());
    broken.add(Migrations.brokenV8());
    String revision = revision();
    Path terminationLog = tmp.resolve("termination-log");

    CommandRun r =
        rehearse(
            production,
            Migrations.dir(tmp, "broken", broken),
            "--revision",
            revision,
            "--output",
            "json",
            "--termination-log",
            terminationLog.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    JsonNode report = r.json();
    assertThat(report.get("result").asText()).isEqualTo("failed");
    assertThat(report.at("/run/succeeded").asBoolean()).isFalse();
    assertThat(report.at("/run/migration").asText()).isEqualTo("V8__add_team_model.sql");
    assertThat(report.at("/run/sqlState").asText()).isEqualTo("42710");
    assertThat(report.at("/run/error").asText()).contains("type \"division\" already exists");
    assertThat(report.get("rerun").isNull()).isTrue();
    assertThat(report.at("/copy/historyTables/0").asText()).startsWith("flyway_schema_history (");
    assertThat(report.get("productionChanged").asBoolean()).isFalse();
    assertThat(catalog(production)).isEqualTo(catalogBefore);
    assertThat(Sql.rows(production, Migrations.HISTORY)).isEqualTo(historyBefore);
    assertNoScratchDatabase(revision);
    // What the operator reads from the rehearsal pod.
    var findings = TerminationReport.read(Files.readString(terminationLog)).orElseThrow();
    assertThat(findings.result()).isEqualTo("failed");
    assertThat(findings.failure().migration()).isEqualTo("V8__add_team_model.sql");
    assertThat(findings.failure().sqlState()).isEqualTo("42710");
  }

  @Test
  void fixedV8PassesTheRunAndTheReRun() {
    String production = productionAtV7();
    var catalogBefore = catalog(production);

    CommandRun r = rehearse(production, Migrations.EXAMPLE);

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .startsWith(
            "rehearsal PASSED: the migration ran on the copy of production's schema and again on"
                + " its own result\n")
        .contains("  copy: 5 tables, history flyway_schema_history (")
        .contains("  run: succeeded in ")
        .contains("  re-run on its own result: succeeded in ")
        .contains("    + table teams: id integer NOT NULL, tenant_id integer NOT NULL,")
        .contains("    + type agegroup: enum ('u10', 'u12', 'u14', 'u16', 'u18')\n")
        .contains("    + column players.team_id: integer\n")
        .contains(
            "    + index ix_teams_tenant_id: CREATE INDEX ix_teams_tenant_id ON public.teams USING"
                + " btree (tenant_id)\n")
        .contains("production's schema is as it was")
        .doesNotContain("[destructive]");
    assertThat(catalog(production)).isEqualTo(catalogBefore);
  }

  @Test
  void aPlainCreateTablePassesTheRunAndFailsTheReRunWhichWarnsOrRefuses() {
    String production = productionAtV7();
    Path dir =
        withV8("create_leagues", "CREATE TABLE leagues (id serial PRIMARY KEY, name text);\n");

    CommandRun warn = rehearse(production, dir, "--output=json");
    CommandRun require = rehearse(production, dir, "--idempotency=require", "--output=json");
    CommandRun off = rehearse(production, dir, "--idempotency=off", "--output=json");

    assertThat(warn.exitCode()).as(warn.err()).isZero();
    assertThat(warn.json().get("message").asText())
        .endsWith("WARNING: it failed when run again on its own result");
    assertThat(warn.json().at("/run/succeeded").asBoolean()).isTrue();
    assertThat(warn.json().at("/rerun/succeeded").asBoolean()).isFalse();
    assertThat(warn.json().at("/rerun/sqlState").asText()).isEqualTo("42P07");
    assertThat(warn.json().at("/rerun/migration").asText()).isEqualTo("V8__create_leagues.sql");
    assertThat(require.exitCode()).isEqualTo(1);
    assertThat(require.json().get("message").asText())
        .isEqualTo("FAILED: the migration passed, but failed when run again on its own result");
    assertThat(off.exitCode()).isZero();
    assertThat(off.json().get("rerun").isNull()).isTrue();
    assertThat(Sql.value(production, "SELECT to_regclass('leagues') IS NULL")).isEqualTo("t");
  }

  @Test
  void aNonTransactionalMigrationThatFailsHalfwayLeavesProductionUntouched() {
    String production = productionAtV7();
    var catalogBefore = catalog(production);
    // CREATE INDEX CONCURRENTLY cannot run in a transaction: Flyway runs the script without one,
    // so the first index stays when the second statement fails.
    Path dir =
        withV8(
            "index_players",
            "CREATE INDEX CONCURRENTLY ix_players_guardian_email ON players (guardian_email);\n"
                + "CREATE INDEX CONCURRENTLY ix_players_team ON players (team_id);\n");

    CommandRun r = rehearse(production, dir, "--output=json");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.json().at("/run/sqlState").asText()).isEqualTo("42703");
    assertThat(r.json().at("/run/error").asText()).contains("column \"team_id\" does not exist");
    // The copy was half-migrated, and the report says how far it got.
    assertThat(r.json().get("changes").toString())
        .contains("\"name\":\"ix_players_guardian_email\"");
    assertThat(catalog(production)).isEqualTo(catalogBefore);
    assertThat(Sql.value(production, "SELECT to_regclass('ix_players_guardian_email') IS NULL"))
        .isEqualTo("t");

    // Without the rehearsal: production is half-migrated, and Flyway, which recorded the failed
    // script, refuses the retry until someone repairs by hand.
    Migrate first = Migrate.run(production, dir);
    Migrate retry = Migrate.run(production, dir);
    assertThat(first.terminationLog()).contains("SQLSTATE 42703");
    assertThat(Sql.value(production, "SELECT to_regclass('ix_players_guardian_email') IS NULL"))
        .isEqualTo("f");
    assertThat(retry.exitCode()).isEqualTo(1);
    assertThat(retry.terminationLog()).contains("Detected failed migration to version 8");
  }

  @Test
  void aDestructiveChangeIsRefusedUnlessAllowed() {
    String production = productionAtV7();
    Path dir =
        withV8(
            "drop_guardian_phone",
            "ALTER TABLE players DROP COLUMN IF EXISTS guardian_phone;\n"
                + "ALTER TABLE players ALTER COLUMN guardian_email SET NOT NULL;\n");

    CommandRun refused = rehearse(production, dir);
    CommandRun allowed = rehearse(production, dir, "--allow-destructive");

    assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(5);
    assertThat(refused.out())
        .startsWith(
            "rehearsal REFUSED: the migration makes 2 destructive changes (pass"
                + " --allow-destructive to accept)\n")
        .contains("    ~ column players.guardian_email: NOT NULL added [destructive]\n")
        .contains("    - column players.guardian_phone: character varying(32) [destructive]\n");
    assertThat(allowed.exitCode()).as(allowed.out()).isZero();
    assertThat(allowed.out()).contains("destructive changes allowed");
    assertThat(
            Sql.value(
                production,
                "SELECT count(*) FROM information_schema.columns"
                    + " WHERE table_name = 'players' AND column_name = 'guardian_phone'"))
        .isEqualTo("1");
  }

  @Test
  void theStrongestLockOnEachExistingTableIsReported() {
    String production = productionAtV7();
    // The sleep keeps the transaction, and so its locks, open across many samples.
    Path dir =
        withV8(
            "nickname",
            "ALTER TABLE players ADD COLUMN IF NOT EXISTS nickname text;\n"
                + "CREATE INDEX IF NOT EXISTS ix_tryouts_held_on ON tryouts (tenant_id);\n"
                + "SELECT pg_sleep(0.5);\n");

    CommandRun r = rehearse(production, dir);

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("    players: ACCESS EXCLUSIVE (blocks reads and writes)\n")
        .contains("    tryouts: SHARE (blocks writes)\n")
        .doesNotContain("    coaches:");
  }

  @Test
  void aCommandStartsWhereProductionsHistoryStands() {
    String production = LocalPostgres.shared().createDatabase("production");
    Sql.execute(
        production,
        "CREATE TABLE django_migrations (id serial PRIMARY KEY, app text NOT NULL, name text NOT"
            + " NULL);"
            + "INSERT INTO django_migrations (app, name) VALUES ('teams', '0001'), ('teams',"
            + " '0002'), ('teams', '0003');"
            + "CREATE TABLE teams (id serial PRIMARY KEY, name text);");
    // As a tool does: reads its history, applies what is missing, records it (a serial id).
    Path migrate = tmp.resolve("migrate.sh");
    write(
        migrate,
        """
        #!/bin/sh
        set -e
        applied=$(psql "$DATABASE_URL" -X -A -t -v ON_ERROR_STOP=1 \\
          -c "SELECT count(*) FROM django_migrations WHERE app = 'teams'")
        echo "applied: $applied on $PGDATABASE"
        test "$applied" = 3
        psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 \\
          -c "ALTER TABLE teams ADD COLUMN IF NOT EXISTS city text" \\
          -c "INSERT INTO django_migrations (app, name) VALUES ('teams', '0004')"
        """);
    setExecutable(migrate);

    CommandRun r =
        CommandRun.of(
            List.of("rehearse", "--url", production, "--output=json", "--"),
            "sh",
            migrate.toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.json().at("/rerun/succeeded").asBoolean()).isTrue();
    assertThat(r.json().at("/copy/historyTables/0").asText()).startsWith("django_migrations (");
    assertThat(r.json().get("changes").toString()).contains("\"name\":\"teams.city\"");
    assertThat(Sql.value(production, "SELECT count(*) FROM django_migrations")).isEqualTo("3");
    assertThat(
            Sql.value(
                production,
                "SELECT count(*) FROM information_schema.columns"
                    + " WHERE table_name = 'teams' AND column_name = 'city'"))
        .isEqualTo("0");
  }

  @Test
  void aLeftoverScratchDatabaseIsSweptOnceOld() throws Exception {
    String production = productionAtV7();
    String old = "schemagate_rehearsal_killed_" + UUID.randomUUID().toString().substring(0, 8);
    String fresh = "schemagate_rehearsal_running_" + UUID.randomUUID().toString().substring(0, 8);
    Sql.execute(production, "CREATE DATABASE " + old);
    Sql.execute(production, "CREATE DATABASE " + fresh);
    Sql.execute(
        production,
        "COMMENT ON DATABASE %s IS '%s'"
            .formatted(
                old,
                ScratchDatabaseName.comment(
                    Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1))));
    Sql.execute(
        production,
        "COMMENT ON DATABASE %s IS '%s'"
            .formatted(fresh, ScratchDatabaseName.comment(Instant.now(), Duration.ofHours(1))));
    try {
      CommandRun r = rehearse(production, Migrations.EXAMPLE);

      assertThat(r.exitCode()).as(r.out()).isZero();
      assertThat(r.out()).contains("  note: dropped the leftover scratch database " + old + "\n");
      assertThat(databases(production)).doesNotContain(old).contains(fresh);
    } finally {
      Sql.execute(production, "DROP DATABASE IF EXISTS " + fresh);
    }
  }

  @Test
  void aPgDumpOlderThanTheServerIsRefusedNamingBoth() {
    String production = productionAtV7();
    Path fake = tmp.resolve("bin/pg_dump");
    write(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
    setExecutable(fake);
    String server =
        Sql.value(production, "SELECT current_setting('server_version_num')::int / 10000");

    CommandRun r = rehearse(production, Migrations.EXAMPLE, "--pg-dump", fake.toString());

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "rehearsal could not run: the server runs PostgreSQL %s and %s is pg_dump 9.6: pg_dump"
                    .formatted(server, fake)
                + " must be of the server's major version or newer (install postgresql-client-"
                + server
                + ", or name one with --pg-dump)\n");
  }

  @Test
  void aRoleWithoutCreatedbIsToldWhatItNeeds() throws Exception {
    String production = productionAtV7();
    String role = "app_" + UUID.randomUUID().toString().substring(0, 8);
    Sql.execute(production, "CREATE ROLE " + role + " LOGIN PASSWORD 'pw' NOCREATEDB");
    try {
      String asRole = production.replaceFirst("://[^@/]*@", "://" + role + ":pw@");

      Path terminationLog = tmp.resolve("termination-log");
      CommandRun r =
          rehearse(asRole, Migrations.EXAMPLE, "--termination-log", terminationLog.toString());

      assertThat(r.exitCode()).isEqualTo(3);
      var findings = TerminationReport.read(Files.readString(terminationLog)).orElseThrow();
      assertThat(findings.result()).isEqualTo("error");
      assertThat(findings.message())
          .contains("permission denied to create database")
          .doesNotContain(":pw@");
      assertThat(r.err())
          .startsWith(
              "rehearsal could not run: cannot create the scratch database schemagate_rehearsal_")
          .contains("permission denied to create database (SQLSTATE 42501)")
          .endsWith("the rehearsal needs a role with CREATEDB (ALTER ROLE ... CREATEDB)\n")
          .doesNotContain(":pw@");
    } finally {
      Sql.execute(production, "DROP ROLE " + role);
    }
  }

  /**
   * Another migration holds a table: the rehearsal must not queue behind it (and the app's next
   * queries behind the rehearsal). Reading the catalog locks the tables that have indexes
   * (pg_get_indexdef), pg_dump every table.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "players   | production's catalog: a lock on one of its tables was not granted within 1000"
            + " ms",
        "audit_log | pg_dump of production's schema failed: pg_dump: error: query failed: ERROR: "
            + " canceling statement due to statement timeout pg_dump: detail: Query was: LOCK TABLE"
            + " public.audit_log IN ACCESS SHARE MODE",
      })
  void theRehearsalWaitsForProductionsLocksNoLongerThanTheTimeout(String table, String error)
      throws Exception {
    String production = productionAtV7();
    Sql.execute(production, "CREATE TABLE audit_log (message text)");
    try (Connection migration = LocalPostgres.connect(production)) {
      migration.setAutoCommit(false);
      migration.createStatement().execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      long start = System.nanoTime();

      CommandRun r = rehearse(production, Migrations.EXAMPLE, "--dump-lock-timeout=1s");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
      assertThat(r.err()).startsWith("rehearsal could not run: " + error);
      migration.rollback();
    }
  }

  private static void assertNoScratchDatabase(String revision) {
    assertThat(databases(LocalPostgres.shared().createDatabase("probe")))
        .noneMatch(name -> name.contains(revision));
  }

  private static List<String> databases(String url) {
    return Sql.rows(url, "SELECT datname FROM pg_database");
  }

  private static String revision() {
    return "it" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Catalog catalog(String url) {
    try (Connection c = LocalPostgres.connect(url)) {
      return CatalogReader.read(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void setExecutable(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code schemagate rehearse} in-process, through the real entry point: rehearses the Flyway
   * migrations in {@code dir} against {@code production}.
   */
  private static CommandRun rehearse(String production, Path dir, String... more) {
    return CommandRun.of(List.of("rehearse", "--url", production, "--dir", dir.toString()), more);
  }
}
