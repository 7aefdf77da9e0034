package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.Ports;
import dev.schemagate.testenv.UnexpectedLogErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures the runner must report in one line with the right exit code, without a stack trace. */
// Flyway logs the migration it rolled back; these tests fail migrations on purpose.
@UnexpectedLogErrors.Expected("DbMigrate: Migration of schema .* failed")
class MigrateFailureIT {
  @TempDir Path tmp;

  @Test
  void malformedUrlIsInvalidInputAndNeverShowsThePassword() {
    Migrate run =
        Migrate.run(
            "postgresql://app:s3cr3t-pw@db.example:54x2/app?sslmode=require", Migrations.EXAMPLE);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog()).startsWith("invalid database URL: ").hasLineCount(1);
    assertThat(run.err()).isEqualTo(run.terminationLog());
    assertThat(run.err() + run.out()).doesNotContain("s3cr3t");
  }

  @Test
  void closedPortCannotConnectAndFailsFast() throws IOException {
    int closedPort = Ports.freeLoopbackPort();
    long started = System.nanoTime();

    Migrate run =
        Migrate.run("postgresql://app:s3cr3t@127.0.0.1:" + closedPort + "/app", Migrations.EXAMPLE);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.terminationLog())
        .isEqualTo(
            "cannot connect to the database at 127.0.0.1:%d/app: connection refused (SQLSTATE"
                    .formatted(closedPort)
                + " 08001)\n");
    assertThat(run.err()).contains(run.terminationLog()).doesNotContain("\tat ");
  }

  @Test
  void syntaxErrorFailsTheMigrationWithSqlState42601() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("typo"));
    Files.writeString(
        dir.resolve("V1__create_tenants.sql"),
        "CREATE TABLE tenants (id int);\nCREAT TABLE players (id int);\n");
    String url = LocalPostgres.shared().createDatabase("typo");

    Migrate run = Migrate.run(url, dir);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.terminationLog())
        .startsWith(
            "V1__create_tenants.sql: SQLSTATE 42601: ERROR: syntax error at or near \"CREAT\"")
        .hasLineCount(1);
    assertThat(Sql.value(url, "SELECT to_regclass('tenants') IS NULL")).isEqualTo("t");
  }
}
