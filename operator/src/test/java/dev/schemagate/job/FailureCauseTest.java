package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Log tails of real tools, in src/test/resources/failure-cause: alembic-sqlalchemy-psycopg2,
 * django-psycopg3 and golang-migrate(-verbose) were captured from those tools run here (paths
 * shortened), cut as the kubelet cuts a log into a termination message (its last 2048 bytes), and
 * schemagate-runner-lost-connection from the runner's own log (host and script renamed); the others
 * are written after the tools' own output formats. FailureCauseIT runs the tools it can.
 */
class FailureCauseTest {

  static Stream<Arguments> tails() {
    return Stream.of(
        tail(
            "alembic-sqlalchemy-psycopg2",
            "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type \"division\""
                + " already exists [SQL: CREATE TYPE division AS ENUM ('boys', 'girls')]",
            null,
            "42710"),
        tail(
            "alembic-psycopg3-full",
            "sqlalchemy.exc.ProgrammingError: (psycopg.errors.DuplicateObject) type"
                + " \"season_phase\" already exists [SQL: CREATE TYPE season_phase AS ENUM"
                + " ('REGULAR', 'PLAYOFFS')]",
            "a2 -> a3",
            "42710"),
        tail(
            "alembic-command-error",
            "Can't locate revision identified by 'b7f3c1d2e4a5'",
            null,
            null),
        tail(
            "django-psycopg3",
            "django.db.utils.ProgrammingError: type \"season_phase\" already exists",
            null,
            null),
        tail(
            "django-full",
            "django.db.utils.ProgrammingError: column \"phase\" of relation \"league_season\" does"
                + " not exist",
            "league.0003_season_phase",
            "42703"),
        tail(
            "rails",
            "PG::DuplicateObject: ERROR: type \"season_phase\" already exists"
                + " (PG::DuplicateObject)",
            "20241126093000 AddSeasonPhaseToGames",
            "42710"),
        tail(
            "liquibase",
            "liquibase.exception.DatabaseException: ERROR: type \"season_phase\" already exists"
                + " [Failed SQL: (0) CREATE TYPE season_phase AS ENUM ('regular', 'playoffs')]",
            "db/changelog/db.changelog-master.yaml::2::alice",
            null),
        tail(
            "golang-migrate",
            "error: migration failed: type \"season_phase\" already exists in line 0: CREATE"
                + " TABLE games (id bigint PRIMARY KEY);",
            null,
            null),
        tail(
            "golang-migrate-verbose",
            "error: migration failed: type \"season_phase\" already exists in line 0: CREATE"
                + " TABLE games (id bigint PRIMARY KEY);",
            "2/u add_finals",
            null),
        tail(
            "prisma",
            "ERROR: type \"season_phase\" already exists",
            "20241126093000_season_phase",
            "42710"),
        tail(
            "flyway-cli",
            "ERROR: type \"season_phase\" already exists",
            "V2__season_phase.sql",
            "42710"),
        tail(
            "psql-error",
            "psql:/migrations/003_season_phase.sql:4: ERROR: type \"season_phase\" already exists",
            null,
            null),
        tail(
            "psql-verbose",
            "psql:/migrations/004_backfill.sql:2: ERROR: 23502: null value in column \"phase\" of"
                + " relation \"games\" violates not-null constraint",
            null,
            "23502"),
        tail(
            "libpq-refused",
            "psql: error: connection to server at \"db.prod.svc\" (10.96.0.12), port 5432 failed:"
                + " Connection refused",
            null,
            null),
        tail(
            "libpq-password",
            "pg_dump: error: connection to server at \"db.prod.svc\" (10.96.0.12), port 5432"
                + " failed: FATAL: password authentication failed for user \"app\"",
            null,
            null),
        tail(
            "knex",
            "CREATE TYPE season_phase AS ENUM ('regular', 'playoffs') - type \"season_phase\""
                + " already exists",
            "20241126093000_season_phase.js",
            null),
        tail(
            "sequelize",
            "ERROR: type \"season_phase\" already exists",
            "20241126093000-season-phase",
            null),
        tail(
            "go-panic",
            "panic: runtime error: invalid memory address or nil pointer dereference",
            null,
            null),
        tail(
            "java-caused-by",
            "org.postgresql.util.PSQLException: ERROR: type \"season_phase\" already exists",
            null,
            null),
        tail(
            "sqlx",
            "error: while executing migration 20241126093000: error returned from database: type"
                + " \"season_phase\" already exists",
            "20241126093000",
            null),
        tail(
            "diesel",
            "Failed to run 2024-11-26-093000_season_phase with: type \"season_phase\" already"
                + " exists",
            "2024-11-26-093000_season_phase",
            null),
        tail(
            "dbmate",
            "Error: pq: type \"season_phase\" already exists",
            "20241126093000_season_phase.sql",
            null),
        tail(
            "goose",
            "goose run: ERROR 00002_season_phase.sql: failed to run SQL migration: failed to"
                + " execute SQL query \"CREATE TYPE season_phase AS ENUM ('regular',"
                + " 'playoffs');\": ERROR: type \"season_phase\" already exists (SQLSTATE 42710)",
            "00002_season_phase.sql",
            "42710"),
        tail(
            "schemagate-runner",
            "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists",
            "V8__add_team_model.sql",
            "42710"),
        tail(
            "schemagate-runner-cannot-connect",
            "cannot connect to the database at db.prod.svc:5432/app: password authentication"
                + " failed for user \"app\" (SQLSTATE 28P01)",
            null,
            "28P01"),
        tail(
            "schemagate-runner-lost-connection",
            "V3__backfill.sql: lost the connection to the database at db.prod.svc:5432/app: the"
                + " server closed the connection (SQLSTATE 08006); PostgreSQL rolled back its"
                + " transaction: none of it is applied",
            "V3__backfill.sql",
            "08006"),
        tail("oom-killed", "exit code 137 (OOMKilled)", null, null),
        tail("binary", "the output is not text (28 characters)", null, null));
  }

  static Arguments tail(String name, String line, String migration, String sqlState) {
    return Arguments.of(name, line, Optional.ofNullable(migration), Optional.ofNullable(sqlState));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tails")
  void findsTheCauseTheMigrationAndTheSqlState(
      String name, String line, Optional<String> migration, Optional<String> sqlState) {
    var cause = FailureCause.of(resource(name));

    assertThat(cause).isEqualTo(new FailureCause(line, migration, sqlState));
    assertThat(cause.summary()).hasSizeLessThanOrEqualTo(FailureCause.MAX_SUMMARY);
  }

  @Test
  void summaryPutsTheMigrationAndSqlStateFirstUnlessTheLineSaysThem() {
    assertThat(FailureCause.of(resource("alembic-psycopg3-full")).summary())
        .startsWith(
            "migration a2 -> a3: SQLSTATE 42710: sqlalchemy.exc.ProgrammingError:"
                + " (psycopg.errors.DuplicateObject) type \"season_phase\" already exists");
    assertThat(FailureCause.of(resource("schemagate-runner")).summary())
        .isEqualTo(
            "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists");
    assertThat(FailureCause.of(resource("schemagate-runner-cannot-connect")).summary())
        .isEqualTo(
            "cannot connect to the database at db.prod.svc:5432/app: password authentication"
                + " failed for user \"app\" (SQLSTATE 28P01)");
  }

  @Test
  void aConnectionFailureIsTheDatabasesNotTheMigrations() {
    assertThat(FailureCause.of(resource("schemagate-runner-cannot-connect")).isConnection())
        .isTrue();
    assertThat(FailureCause.of(resource("schemagate-runner-lost-connection")).isConnection())
        .isTrue();
    assertThat(FailureCause.of(resource("schemagate-runner")).isConnection()).isFalse();
    assertThat(FailureCause.of("FATAL: database \"app\" does not exist (SQLSTATE 3D000)"))
        .matches(FailureCause::isConnection);
    assertThat(FailureCause.of("ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)"))
        .matches(c -> !c.isConnection());
  }

  @Test
  void aLongCauseIsCutToAbout300Characters() {
    var sql = "INSERT INTO games VALUES " + "(1, 'regular'), ".repeat(40) + "(2, 'x')";
    var cause =
        FailureCause.of(
            "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in upgrade\n"
                + "sqlalchemy.exc.DataError: (psycopg2.errors.InvalidTextRepresentation) invalid"
                + " input value for enum season_phase: \"x\"\n[SQL: "
                + sql
                + "]\n");

    assertThat(cause.summary())
        .hasSize(FailureCause.MAX_SUMMARY)
        .startsWith("SQLSTATE 22P02: sqlalchemy.exc.DataError: (psycopg2.errors.")
        .endsWith("...");
  }

  @Test
  void neverEchoesAPassword() {
    var secrets =
        "Connecting to postgresql://app:Tr0ub4dor%263@db:5432/app\n"
            + "could not connect: host=db user=app password=hunter2 dbname=app\n"
            + "psql: error: connection to server failed: FATAL:  password authentication failed"
            + " for user \"app\" (DSN postgres://app:hunter2@db/app)\n";

    var cause = FailureCause.of(secrets);

    assertThat(cause.summary()).doesNotContain("hunter2").doesNotContain("Tr0ub4dor");
    assertThat(FailureCause.printable(secrets))
        .doesNotContain("hunter2")
        .doesNotContain("Tr0ub4dor")
        .contains("postgresql://app:***@db:5432/app", "password=***");
    assertThat(FailureCause.of(resource("libpq-password")).summary()).doesNotContain("Tr0ub4dor");
  }

  @Test
  void emptyOutputSaysSo() {
    assertThat(FailureCause.of("").line()).isEqualTo("no output");
    assertThat(FailureCause.of(" \n\n").line()).isEqualTo("no output");
    assertThat(FailureCause.of(null).line()).isEqualTo("no output");
  }

  @Test
  void coloursAreTakenOut() {
    assertThat(FailureCause.of("\u001B[31mERROR:\u001B[0m relation \"x\" does not exist").line())
        .isEqualTo("ERROR: relation \"x\" does not exist");
  }

  @Test
  void withoutAnErrorLineTheLastLineIsTheCause() {
    assertThat(FailureCause.of("applying 3 migrations\nKilled\n").line()).isEqualTo("Killed");
  }

  private static String resource(String name) {
    try (var in = FailureCauseTest.class.getResourceAsStream("/failure-cause/" + name + ".txt")) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
