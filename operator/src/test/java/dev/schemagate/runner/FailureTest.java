package dev.schemagate.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import org.junit.jupiter.api.Test;

class FailureTest {
  private static final String DB = "db:5432/app";

  @Test
  void failedMigrationNamesTheScriptTheSqlStateAndTheServersMessage() {
    var sql = new SQLException("ERROR: type \"division\" already exists", "42710");
    var e =
        new FlywayMigrateException(
            migration("V8__add_team_model.sql"), true, sql, false, new MigrateResult());

    assertThat(Failure.of(e, DB))
        .isEqualTo(
            new Failure(
                1,
                "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists"));
  }

  @Test
  void aLockTimeoutIsRetryableAndWhenTheBudgetIsSpentTheLineSaysWhatBlockedIt() {
    var timedOut =
        new FlywayMigrateException(
            migration("V9__add_player_nickname.sql"),
            true,
            new SQLException("ERROR: canceling statement due to lock timeout", "55P03"),
            false,
            new MigrateResult());

    assertThat(Failure.isLockTimeout(timedOut)).isTrue();
    assertThat(
            Failure.of(
                new LocksUnavailable(
                    timedOut, "gave up after 9 attempts in 10m00s; blocked by pid 7: SELECT 1"),
                DB))
        .isEqualTo(
            new Failure(
                1,
                "V9__add_player_nickname.sql: SQLSTATE 55P03: ERROR: canceling statement due to"
                    + " lock timeout; gave up after 9 attempts in 10m00s; blocked by pid 7:"
                    + " SELECT 1"));
  }

  @Test
  void otherFailuresAreNotLockTimeouts() {
    assertThat(
            Failure.isLockTimeout(
                new FlywaySqlException("x", new SQLException("ERROR: deadlock detected", "40P01"))))
        .isFalse();
    assertThat(Failure.isLockTimeout(new FlywayException("no SQL error"))).isFalse();
  }

  @Test
  void serverMessageDetailsStayOnTheLine() {
    assertThat(
            Failure.line(
                "V1__init.sql",
                "42601",
                "ERROR: syntax error at or near \"CREAT\"\n  Position: 1\n"))
        .isEqualTo(
            "V1__init.sql: SQLSTATE 42601: ERROR: syntax error at or near \"CREAT\" Position: 1");
  }

  @Test
  void refusedConnectionCannotConnectAndSaysWhereAndWhyInPlainWords() {
    var refused =
        new SQLException(
            "Connection to db:5432 refused. Check that the hostname and port are correct.",
            "08001",
            new ConnectException("Connection refused"));

    assertThat(
            Failure.of(
                new FlywaySqlException("Unable to obtain connection from database", refused), DB))
        .isEqualTo(
            new Failure(
                3,
                "cannot connect to the database at db:5432/app: connection refused (SQLSTATE"
                    + " 08001)"));
  }

  @Test
  void anUnknownHostCannotConnect() {
    var unknown =
        new SQLException(
            "The connection attempt failed.", "08001", new UnknownHostException("db.example"));

    assertThat(Failure.of(unknown, "db.example:5432/app").line())
        .isEqualTo(
            "cannot connect to the database at db.example:5432/app: unknown host db.example"
                + " (SQLSTATE 08001)");
  }

  @Test
  void failedAuthenticationCannotConnectAndGivesTheServersMessageWithoutItsSeverity() {
    var denied =
        new SQLException("FATAL: password authentication failed for user \"app\"", "28P01");

    assertThat(
            Failure.of(
                new FlywaySqlException("Unable to obtain connection from database", denied), DB))
        .isEqualTo(
            new Failure(
                3,
                "cannot connect to the database at db:5432/app: password authentication failed"
                    + " for user \"app\" (SQLSTATE 28P01)"));
  }

  @Test
  void anUnknownDatabaseCannotConnect() {
    var unknown = new SQLException("FATAL: database \"app\" does not exist\n  Hint: x", "3D000");

    assertThat(Failure.of(unknown, DB))
        .isEqualTo(
            new Failure(
                3,
                "cannot connect to the database at db:5432/app: database \"app\" does not exist"
                    + " (SQLSTATE 3D000)"));
  }

  @Test
  void withoutALocationTheLineSaysTheDatabase() {
    var refused =
        new SQLException(
            "Connection refused.", "08001", new ConnectException("Connection refused"));

    assertThat(Failure.of(refused, null).line())
        .isEqualTo("cannot connect to the database: connection refused (SQLSTATE 08001)");
  }

  @Test
  void aSessionTerminatedMidScriptLostTheConnectionAndItsTransactionWasRolledBack() {
    var terminated =
        new SQLException("FATAL: terminating connection due to administrator command", "57P01");
    var e =
        new FlywayMigrateException(
            migration("V3__backfill.sql"), false, terminated, true, new MigrateResult());

    assertThat(Failure.of(e, DB))
        .isEqualTo(
            new Failure(
                3,
                "V3__backfill.sql: lost the connection to the database at db:5432/app: terminating"
                    + " connection due to administrator command (SQLSTATE 57P01); PostgreSQL"
                    + " rolled back its transaction: none of it is applied"));
  }

  @Test
  void aServerCrashMidScriptLostTheConnection() {
    var crashed =
        new SQLException(
            "An I/O error occurred while sending to the backend.", "08006", new EOFException());
    var e =
        new FlywayMigrateException(
            migration("V3__backfill.sql"), false, crashed, true, new MigrateResult());

    assertThat(Failure.of(e, DB).line())
        .startsWith(
            "V3__backfill.sql: lost the connection to the database at db:5432/app: the server"
                + " closed the connection (SQLSTATE 08006); PostgreSQL rolled back");
  }

  @Test
  void aScriptOutsideATransactionKeepsWhatItCompleted() {
    var crashed =
        new SQLException(
            "An I/O error occurred while sending to the backend.", "08006", new EOFException());
    var e =
        new FlywayMigrateException(
            migration("V4__index_concurrently.sql"), false, crashed, false, new MigrateResult());

    assertThat(Failure.of(e, DB).line())
        .endsWith(
            "(SQLSTATE 08006); it ran outside a transaction: the statements it completed stay"
                + " applied");
  }

  @Test
  void aConnectionLostOutsideAScriptSaysNoMoreThanThat() {
    var closed = new SQLException("This connection has been closed.", "08003");

    assertThat(Failure.of(new FlywaySqlException("Unable to read history", closed), DB))
        .isEqualTo(
            new Failure(
                3,
                "lost the connection to the database at db:5432/app: this connection has been"
                    + " closed (SQLSTATE 08003)"));
  }

  @Test
  void aChainIsOneLineOfMessages() {
    var e =
        new SQLException(
            "An I/O error occurred\nwhile sending to the backend.", "08006", new EOFException());

    assertThat(Failure.chain(e))
        .isEqualTo(
            "java.sql.SQLException: An I/O error occurred while sending to the backend.; caused"
                + " by java.io.EOFException");
  }

  @Test
  void failedValidationIsAFailedMigrationOnOneLine() {
    var e =
        new FlywayException(
            "Validate failed: Migrations have failed validation\n"
                + "Migration checksum mismatch for migration version 7\n"
                + "-> Applied to database : 1\n");

    assertThat(Failure.of(e, DB))
        .isEqualTo(
            new Failure(
                1,
                "Validate failed: Migrations have failed validation Migration checksum mismatch for"
                    + " migration version 7 -> Applied to database : 1"));
  }

  @Test
  void twoMigrationsWithOneVersionAreInvalidInput() {
    var e =
        new FlywayException(
            "Found more than one migration with version 7",
            CoreErrorCode.DUPLICATE_VERSIONED_MIGRATION);

    assertThat(Failure.of(e, DB))
        .isEqualTo(new Failure(2, "Found more than one migration with version 7"));
  }

  @Test
  void invalidInputKeepsItsMessage() {
    assertThat(
            Failure.of(
                new InvalidInputException("no .sql files in migrations directory /migrations"), DB))
        .isEqualTo(new Failure(2, "no .sql files in migrations directory /migrations"));
  }

  @Test
  void anyOtherExceptionIsUnexpectedAndNamesItsClass() {
    var e = new IllegalStateException("resource\nmissing");

    assertThat(Failure.of(e, DB))
        .isEqualTo(new Failure(4, "unexpected java.lang.IllegalStateException: resource missing"));
  }

  @Test
  void anErrorOfTheJvmIsUnexpected() {
    assertThat(Failure.of(new OutOfMemoryError("Java heap space"), DB))
        .isEqualTo(new Failure(4, "unexpected java.lang.OutOfMemoryError: Java heap space"));
  }

  @Test
  void aConnectionFailureOutsideFlywayStillCannotConnect() {
    var refused = new SQLException("Connection to db:5432 refused.", "08001");

    assertThat(Failure.of(new IllegalStateException("pool", refused), DB).exitCode()).isEqualTo(3);
  }

  @Test
  void longLinesAreCutToWhatKubernetesKeepsWithoutBreakingACharacter() {
    // 35 ASCII bytes, then two-byte characters: the cut falls inside one.
    String line = Failure.line("V10__add_team.sql", "XX000", "é".repeat(3000));

    assertThat(line.getBytes(UTF_8))
        .hasSizeLessThanOrEqualTo(Failure.MAX_BYTES)
        .hasSizeGreaterThan(4085);
    assertThat(line)
        .startsWith("V10__add_team.sql: SQLSTATE XX000: ééé")
        .endsWith("é...")
        .doesNotContain("\uFFFD");
  }

  /** A MigrationInfo that only knows its script: all a Failure asks of it. */
  private static MigrationInfo migration(String script) {
    return (MigrationInfo)
        Proxy.newProxyInstance(
            MigrationInfo.class.getClassLoader(),
            new Class<?>[] {MigrationInfo.class},
            (proxy, method, args) -> method.getName().equals("getScript") ? script : null);
  }
}
