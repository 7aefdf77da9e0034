package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.OperatorProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `schemagate migrate` as a Job's pod runs it, in a JVM of its own: what reaches the process's own
 * stderr is the one line, Flyway's logging included (which the in-process runs do not capture).
 */
class MigrateProcessIT {
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

  private record Run(int exitCode, String stderr) {}

  private Run run(String... args) throws Exception {
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                OperatorProcess.jar().toString(),
                "migrate"));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("JAVA_TOOL_OPTIONS"); // the JVM would announce it on stderr
    var process = builder.start();
    var stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), stderr);
  }
}
