package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `schemagate migrate` as a Job's pod runs it, in a JVM of its own: what reaches the process's own
 * stderr is the one line, and its stdout (Flyway's logging, which the in-process runs do not
 * capture) holds no stack trace either.
 */
class MigrateProcessIT {
  /** A line of a Java stack trace. */
  private static final String STACK_FRAME = "\tat ";

  @TempDir Path tmp;

  @Test
  void aFailedMigrationLeavesOneLineOnStderrAndInTheTerminationLog() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("typo"));
    Files.writeString(dir.resolve("V1__create_tenants.sql"), "CREAT TABLE tenants (id int);\n");
    String url = LocalPostgres.shared().createDatabase("process");
    Path terminationLog = tmp.resolve("termination-log");

    var run =
        run("--url", url, "--dir", dir.toString(), "--termination-log", terminationLog.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(Files.readString(terminationLog))
        .startsWith("V1__create_tenants.sql: SQLSTATE 42601: ERROR: syntax error at or near")
        .hasLineCount(1);
    assertThat(run.stderr).isEqualTo(Files.readString(terminationLog));
  }

  @Test
  void anUnknownOptionLeavesOneLineToo() throws Exception {
    Path terminationLog = tmp.resolve("termination-log");

    var run = run("--termination-log", terminationLog.toString(), "--verbose");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(Files.readString(terminationLog)).isEqualTo("Unknown option: '--verbose'\n");
    assertThat(run.stderr).isEqualTo(Files.readString(terminationLog));
  }

  @Test
  void anUnreachableServerCannotConnectInPlainWordsWithoutAStackTrace() throws Exception {
    int closedPort = Ports.freeLoopbackPort();
    Path terminationLog = tmp.resolve("termination-log");

    var run =
        run(
            "--url",
            "postgresql://app:s3cr3t@127.0.0.1:" + closedPort + "/app",
            "--dir",
            Migrations.EXAMPLE.toString(),
            "--termination-log",
            terminationLog.toString());

    // The line itself: MigrateFailureIT.
    assertThat(run.exitCode).isEqualTo(3);
    assertThat(Files.readString(terminationLog))
        .startsWith("cannot connect to the database at 127.0.0.1:" + closedPort + "/app: ");
    assertThat(run.stderr).isEqualTo(Files.readString(terminationLog));
    assertThat(run.stdout + run.stderr).doesNotContain(STACK_FRAME);
  }

  @Test
  void aSessionTerminatedMidScriptLostTheConnectionAndLeftNoStackTraceAndNothingApplied()
      throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("sleepy"));
    Files.writeString(dir.resolve("V1__create_tenants.sql"), "CREATE TABLE tenants (id int);\n");
    // Long enough that the test, not the sleep, ends it.
    Files.writeString(
        dir.resolve("V2__create_players.sql"),
        "CREATE TABLE players (id int);\nSELECT pg_sleep(60);\n");
    String url = LocalPostgres.shared().createDatabase("terminated");
    Path terminationLog = tmp.resolve("termination-log");

    var runner =
        start(
            "--url", url, "--dir", dir.toString(), "--termination-log", terminationLog.toString());
    terminateSleepingRunner(url, runner);
    var run = finish(runner);

    assertThat(run.exitCode).isEqualTo(3);
    assertThat(Files.readString(terminationLog))
        .isEqualTo(
            "V2__create_players.sql: lost the connection to the database at "
                + DatabaseUrl.parse(url).location()
                + ": terminating connection due to administrator command (SQLSTATE 57P01);"
                + " PostgreSQL rolled back its transaction: none of it is applied\n");
    assertThat(run.stderr).isEqualTo(Files.readString(terminationLog));
    assertThat(run.stdout).doesNotContain(STACK_FRAME).contains("Unable to rollback transaction: ");
    assertThat(Sql.rows(url, "SELECT version FROM flyway_schema_history WHERE success"))
        .containsExactly("1");
    assertThat(Sql.value(url, "SELECT to_regclass('players') IS NULL")).isEqualTo("t");
  }

  /** pg_terminate_backend of the runner's session once it sleeps in V2, as a DBA might. */
  private static void terminateSleepingRunner(String url, Process runner) {
    try {
      await("the runner's session in V2's pg_sleep, terminated")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  runner.isAlive()
                      && !Sql.value(
                              url,
                              "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM"
                                  + " pg_stat_activity WHERE datname = current_database()"
                                  + " AND application_name LIKE 'schemagate-migrate-%'"
                                  + " AND query LIKE '%pg_sleep%'")
                          .equals("0"));
    } catch (ConditionTimeoutException e) {
      runner.destroyForcibly();
      throw e;
    }
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  private Run run(String... args) throws Exception {
    return finish(start(args));
  }

  private Process start(String... args) throws Exception {
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                OperatorProcess.jar().toString(),
                "migrate"));
    command.addAll(List.of(args));
    // Files, not pipes: nothing to drain while the test waits on the database.
    var builder =
        new ProcessBuilder(command)
            .redirectOutput(tmp.resolve("stdout").toFile())
            .redirectError(tmp.resolve("stderr").toFile());
    builder.environment().remove("JAVA_TOOL_OPTIONS"); // the JVM would announce it on stderr
    return builder.start();
  }

  private Run finish(Process process) throws Exception {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(tmp.resolve("stdout")),
        Files.readString(tmp.resolve("stderr")));
  }
}
