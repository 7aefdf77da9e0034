package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.runner.DatabaseUrl;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.GolangMigrate;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.Ports;
import dev.schemagate.testenv.PythonVenv;
import dev.schemagate.testenv.node.TerminationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real migration tools, from PyPI, the Go module proxy, Maven Central and Debian, run against
 * PostgreSQL with a migration that re-creates an enum; their output, cut into a termination message
 * by the kubelet's rules, is what FailureCause reads in a cluster.
 */
class FailureCauseIT {
  static final Path DJANGO =
      Binaries.testenvDir().resolve("src/test/resources/failure-cause/django");

  @TempDir Path tmp;

  /** What one run of a tool printed, and what of it Kubernetes keeps. */
  record Run(int exitCode, String output, String terminationMessage) {
    FailureCause cause() {
      return FailureCause.of(terminationMessage);
    }
  }

  @Test
  void alembicWithSqlAlchemyAndPsycopg2() throws Exception {
    var url = LocalPostgres.shared().createDatabase("cause_alembic");
    var run =
        run(
            withSettings(url),
            PythonVenv.bin().resolve("alembic").toString(),
            "-c",
            PythonVenv.alembicProject().resolve("alembic-1.8.0.ini").toString(),
            "upgrade",
            "head");

    assertThat(run.output()).as("a long traceback").hasSizeGreaterThan(4096);
    assertThat(run.terminationMessage()).doesNotStartWith("Traceback");
    assertThat(run.cause())
        .isEqualTo(
            new FailureCause(
                "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type"
                    + " \"division\" already exists [SQL: CREATE TYPE division AS ENUM ('boys',"
                    + " 'girls')]",
                Optional.empty(),
                Optional.of("42710")));
    // The whole log names the migration: its upgrade() frame.
    assertThat(FailureCause.of(run.output()).migration()).contains("008_add_team_model");
  }

  @Test
  void djangoWithPsycopg3() throws Exception {
    var url = LocalPostgres.shared().createDatabase("cause_django");
    var run =
        run(
            Map.of("DATABASE_URL", url, "PYTHONDONTWRITEBYTECODE", "1"),
            DJANGO,
            PythonVenv.bin(DJANGO.resolve("requirements.txt")).resolve("python").toString(),
            "manage.py",
            "migrate",
            "--no-input");

    assertThat(run.cause().line())
        .isEqualTo("django.db.utils.ProgrammingError: type \"season_phase\" already exists");
    var whole = FailureCause.of(run.output());
    assertThat(whole.migration()).contains("league.0002_season_phase");
    assertThat(whole.sqlState()).contains("42710");
    assertThat(whole.summary())
        .isEqualTo(
            "migration league.0002_season_phase: SQLSTATE 42710: django.db.utils.ProgrammingError:"
                + " type \"season_phase\" already exists");
  }

  @Test
  void golangMigrate() throws Exception {
    var dir = Files.createDirectory(tmp.resolve("migrations"));
    Files.writeString(
        dir.resolve("000001_create_season_phase.up.sql"),
        "CREATE TYPE season_phase AS ENUM ('regular', 'playoffs');\n");
    Files.writeString(
        dir.resolve("000002_add_finals.up.sql"),
        "CREATE TABLE games (id bigint PRIMARY KEY);\n"
            + "CREATE TYPE season_phase AS ENUM ('regular', 'playoffs', 'finals');\n");
    var url = LocalPostgres.shared().createDatabase("cause_migrate") + "?sslmode=disable";

    var run =
        run(
            Map.of(),
            GolangMigrate.binary().toString(),
            "-verbose",
            "-path",
            dir.toString(),
            "-database",
            url,
            "up");

    assertThat(run.cause())
        .isEqualTo(
            new FailureCause(
                "error: migration failed: type \"season_phase\" already exists in line 0: CREATE"
                    + " TABLE games (id bigint PRIMARY KEY);",
                Optional.of("2/u add_finals"),
                Optional.empty()));
  }

  @Test
  void liquibaseCli() throws Exception {
    Files.writeString(
        tmp.resolve("changelog.yaml"),
        """
        databaseChangeLog:
          - changeSet:
              id: 1
              author: alice
              changes:
                - sql:
                    sql: CREATE TYPE season_phase AS ENUM ('regular', 'playoffs')
          - changeSet:
              id: 2
              author: alice
              changes:
                - sql:
                    sql: CREATE TYPE season_phase AS ENUM ('regular', 'playoffs', 'finals')
        """);
    var db = DatabaseUrl.parse(LocalPostgres.shared().createDatabase("cause_liquibase"));

    // Its CLI's main, in a JVM of its own, from the test classpath (Maven Central).
    var run =
        run(
            Map.of(),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "liquibase.integration.commandline.LiquibaseCommandLine",
            "--url=" + db.jdbcUrl(),
            "--username=" + db.user(),
            "--changelog-file=changelog.yaml",
            "--search-path=" + tmp,
            "update");

    assertThat(run.cause())
        .isEqualTo(
            new FailureCause(
                "liquibase.exception.DatabaseException: ERROR: type \"season_phase\" already"
                    + " exists [Failed SQL: (0) CREATE TYPE season_phase AS ENUM ('regular',"
                    + " 'playoffs', 'finals')]",
                Optional.of("changelog.yaml::2::alice"),
                Optional.empty()));
  }

  @Test
  void psqlStoppingAtAnError() throws Exception {
    var script = tmp.resolve("002_season_phase.sql");
    Files.writeString(
        script,
        "CREATE TYPE season_phase AS ENUM ('regular');\n"
            + "CREATE TYPE season_phase AS ENUM ('regular', 'playoffs');\n");
    var url = LocalPostgres.shared().createDatabase("cause_psql");

    var run = run(Map.of(), "psql", "-v", "ON_ERROR_STOP=1", "-f", script.toString(), url);

    assertThat(run.cause().line())
        .isEqualTo("psql:%s:2: ERROR: type \"season_phase\" already exists".formatted(script));
  }

  @Test
  void libpqThatCannotConnectNeverEchoesThePassword() throws Exception {
    var url = "postgresql://app:s3cret-Pa55@127.0.0.1:%d/app".formatted(Ports.freeLoopbackPort());

    var run = run(Map.of(), "psql", "-c", "SELECT 1", url);

    assertThat(run.cause().line())
        .startsWith("psql: error: connection to server at \"127.0.0.1\", port")
        .endsWith("failed: Connection refused");
    assertThat(run.cause().summary()).doesNotContain("s3cret");
  }

  /** The database, and the app's settings that the example's env.py imports. */
  private static Map<String, String> withSettings(String url) {
    var env = new HashMap<>(BasketballExample.SETTINGS_ENV);
    env.put("DATABASE_URL", url);
    return env;
  }

  private Run run(Map<String, String> env, String... command) throws Exception {
    return run(env, tmp, command);
  }

  /** Runs a tool as a container would: stdout and stderr into one log. */
  private Run run(Map<String, String> env, Path dir, String... command) throws Exception {
    var log = Files.createTempFile(tmp, "log", ".txt");
    var builder =
        new ProcessBuilder(new ArrayList<>(List.of(command)))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    var process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ended", command[0]).isTrue();
    var exitCode = process.exitValue();
    assertThat(exitCode).as(Files.readString(log)).isNotZero();
    var message =
        TerminationMessage.of(
            tmp.resolve("no-termination-log"), log, 0, "FallbackToLogsOnError", exitCode);
    return new Run(exitCode, Files.readString(log), message);
  }
}
