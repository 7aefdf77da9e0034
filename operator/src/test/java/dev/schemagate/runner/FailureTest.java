package dev.schemagate.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.SQLException;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import org.junit.jupiter.api.Test;

class FailureTest {
  @Test
  void failedMigrationNamesTheScriptTheSqlStateAndTheServersMessage() {
    var sql = new SQLException("ERROR: type \"division\" already exists", "42710");
    var e =
        new FlywayMigrateException(
            migration("V8__add_team_model.sql"), true, sql, false, new MigrateResult());

    assertThat(Failure.of(e))
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
                    timedOut, "gave up after 9 attempts in 10m00s; blocked by pid 7: SELECT 1")))
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
  void refusedConnectionCannotConnectAndShowsTheNetworkError() {
    var refused =
        new SQLException(
            "Connection to db:5432 refused.", "08001", new ConnectException("Connection refused"));

    assertThat(
            Failure.of(
                new FlywaySqlException("Unable to obtain connection from database", refused)))
        .isEqualTo(
            new Failure(
                3,
                "SQLSTATE 08001: Connection to db:5432 refused. (java.net.ConnectException:"
                    + " Connection refused)"));
  }

  @Test
  void failedAuthenticationCannotConnect() {
    var denied =
        new SQLException("FATAL: password authentication failed for user \"app\"", "28P01");

    assertThat(
            Failure.of(new FlywaySqlException("Unable to obtain connection from database", denied)))
        .isEqualTo(
            new Failure(
                3, "SQLSTATE 28P01: FATAL: password authentication failed for user \"app\""));
  }

  @Test
  void failedValidationIsAFailedMigrationOnOneLine() {
    var e =
        new FlywayException(
            "Validate failed: Migrations have failed validation\n"
                + "Migration checksum mismatch for migration version 7\n"
                + "-> Applied to database : 1\n");

    assertThat(Failure.of(e))
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

    assertThat(Failure.of(e))
        .isEqualTo(new Failure(2, "Found more than one migration with version 7"));
  }

  @Test
  void invalidInputKeepsItsMessage() {
    assertThat(
            Failure.of(
                new InvalidInputException("no .sql files in migrations directory /migrations")))
        .isEqualTo(new Failure(2, "no .sql files in migrations directory /migrations"));
  }

  @Test
  void anyOtherExceptionIsUnexpectedAndNamesItsClass() {
    var e = new IllegalStateException("resource\nmissing");

    assertThat(Failure.of(e))
        .isEqualTo(new Failure(4, "unexpected java.lang.IllegalStateException: resource missing"));
  }

  @Test
  void anErrorOfTheJvmIsUnexpected() {
    assertThat(Failure.of(new OutOfMemoryError("Java heap space")))
        .isEqualTo(new Failure(4, "unexpected java.lang.OutOfMemoryError: Java heap space"));
  }

  @Test
  void aConnectionFailureOutsideFlywayStillCannotConnect() {
    var refused = new SQLException("Connection to db:5432 refused.", "08001");

    assertThat(Failure.of(new IllegalStateException("pool", refused)).exitCode()).isEqualTo(3);
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
