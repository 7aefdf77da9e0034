package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.schemagate.CommandRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summary, the failures found before any connection and a refused one, through the real command
 * line: each ends as one line on stderr and in the termination log, with its exit code.
 */
class MigrateCommandTest {
  /** Nothing listens on port 1: a connection is refused at once. */
  private static final String URL = "postgresql://app:s3cr3t@127.0.0.1:1/app";

  @TempDir Path tmp;

  @Test
  void missingDirectoryIsInvalidInput() throws IOException {
    Path missing = tmp.resolve("missing");

    Run run = run("--url", URL, "--dir", missing.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog())
        .isEqualTo("migrations directory " + missing + " does not exist or is not a directory\n");
    assertThat(run.err()).isEqualTo(run.terminationLog());
    assertThat(run.out()).isEmpty();
  }

  @Test
  void unreadableFileIsInvalidInputNotAStackTrace() throws IOException {
    Path mem = Path.of("/proc/self/mem"); // a file even root cannot read from its start
    assumeTrue(Files.isRegularFile(mem), "needs Linux /proc");
    Path dir = Files.createDirectory(tmp.resolve("migrations"));
    Files.writeString(dir.resolve("V1__init.sql"), "CREATE TABLE t (id int);");
    Path link = Files.createSymbolicLink(dir.resolve("V2__more.sql"), mem);

    Run run = run("--url", URL, "--dir", dir.toString());
    Files.delete(link); // before @TempDir's clean-up, which warns about links out of it

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog())
        .isEqualTo("cannot read " + dir.resolve("V2__more.sql") + ": Input/output error\n");
    assertThat(run.err()).isEqualTo(run.terminationLog());
  }

  @Test
  void noUrlIsInvalidInput() throws IOException {
    Run run = run("--url=", "--dir", tmp.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog()).isEqualTo("no database URL: pass --url or set DATABASE_URL\n");
  }

  @Test
  void unknownOptionIsInvalidInputOnOneLine() throws IOException {
    Run run = run("--url", URL, "--directory", tmp.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog()).startsWith("Unknown options: '--directory'").hasLineCount(1);
    assertThat(run.err()).isEqualTo(run.terminationLog());
  }

  @Test
  void aUrlPassedAsAnArgumentIsQuotedWithoutItsPassword() throws IOException {
    Run run = run("postgresql://app:s3cr3t@db/app");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog()).contains("'postgresql://app:***@db/app'").hasLineCount(1);
    assertThat(run.err() + run.out()).doesNotContain("s3cr3t");
  }

  @Test
  void aRefusedConnectionSaysWhereWithoutPasswordOrParameters() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("migrations"));
    Files.writeString(dir.resolve("V1__init.sql"), "CREATE TABLE t (id int);");

    Run run = run("--url", URL + "?sslpassword=k3y", "--dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.terminationLog())
        .isEqualTo(
            "cannot connect to the database at 127.0.0.1:1/app: connection refused (SQLSTATE"
                + " 08001)\n");
    assertThat(run.err()).isEqualTo(run.terminationLog());
  }

  @Test
  void summaryNamesWhatWasAppliedAndTheVersionReached() {
    var result = result("7", "8", output("8", "add team model"), output("", "player views"));

    assertThat(MigrateCommand.summary(result))
        .isEqualTo("Applied 2 migrations (V8 add team model, R player views); schema at version 8");
  }

  @Test
  void summaryOfARepeatableAloneKeepsTheVersion() {
    assertThat(MigrateCommand.summary(result("8", null, output("", "player views"))))
        .isEqualTo("Applied 1 migration (R player views); schema at version 8");
  }

  @Test
  void summaryOfNothingToDo() {
    assertThat(MigrateCommand.summary(result("8", null)))
        .isEqualTo("Schema up to date at version 8; nothing to apply");
    assertThat(MigrateCommand.summary(result(null, null)))
        .isEqualTo("Schema up to date without a version; nothing to apply");
  }

  private record Run(int exitCode, String out, String err, String terminationLog) {}

  private Run run(String... args) throws IOException {
    Path terminationLog = Files.createTempFile(tmp, "termination-log", "");
    CommandRun run =
        CommandRun.of(List.of("migrate", "--termination-log", terminationLog.toString()), args);
    return new Run(run.exitCode(), run.out(), run.err(), Files.readString(terminationLog));
  }

  private static MigrateResult result(String initial, String target, MigrateOutput... applied) {
    var result = new MigrateResult();
    result.initialSchemaVersion = initial;
    result.targetSchemaVersion = target;
    result.migrations = List.of(applied);
    result.migrationsExecuted = applied.length;
    return result;
  }

  private static MigrateOutput output(String version, String description) {
    return new MigrateOutput("", version, description, "SQL", "", 0, false);
  }
}
