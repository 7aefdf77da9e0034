package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.rehearsal.SchemaChange.Action;
import dev.schemagate.rehearsal.SchemaChange.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictTest {
  private static final SchemaChange ADDED =
      new SchemaChange(Action.ADDED, Kind.TABLE, "teams", "", false);
  private static final SchemaChange DROPPED =
      new SchemaChange(Action.DROPPED, Kind.COLUMN, "players.email", "text", true);

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // run | re-run | idempotency | destructive | allowed | exit | headline starts
        "false | -     | WARN    | false | false | 1 | FAILED: the migration failed",
        "false | -     | WARN    | true  | false | 1 | FAILED: the migration failed",
        "true  | true  | REQUIRE | false | false | 0 | PASSED: the migration ran on the copy of"
            + " production's schema and again on its own result",
        "true  | false | REQUIRE | false | false | 1 | FAILED: the migration passed, but failed"
            + " when run again",
        "true  | false | WARN    | false | false | 0 | PASSED: the migration ran on the copy of"
            + " production's schema; WARNING: it failed when run again",
        "true  | -     | OFF     | false | false | 0 | PASSED: the migration ran on the copy of"
            + " production's schema",
        "true  | true  | WARN    | true  | false | 5 | REFUSED: the migration makes 1 destructive"
            + " change (pass --allow-destructive",
        "true  | true  | WARN    | true  | true  | 0 | PASSED: the migration ran on the copy of"
            + " production's schema and again on its own result; destructive changes allowed",
        "true  | false | REQUIRE | true  | false | 1 | FAILED: the migration passed, but failed"
            + " when run again",
      })
  void verdict(
      boolean run,
      Boolean rerun,
      Idempotency idempotency,
      boolean destructive,
      boolean allowed,
      int exitCode,
      String headline) {
    var verdict =
        Verdict.of(
            run,
            Optional.ofNullable(rerun),
            idempotency,
            destructive ? List.of(ADDED, DROPPED) : List.of(ADDED),
            allowed);
    assertThat(verdict.exitCode()).isEqualTo(exitCode);
    assertThat(verdict.headline()).startsWith(headline);
  }
}
