package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.runlog.LockWaitLine;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LockWaitTest {
  private static final Blocker IDLE_IN_TRANSACTION =
      new Blocker(
          4242,
          Optional.of("idle in transaction"),
          Optional.of(Duration.ofSeconds(65)),
          Optional.of("UPDATE players SET name = 'x' WHERE id = 1"));

  @Test
  void theLineNamesTheBlockerTheScriptAndTheNextTry() {
    assertThat(
            LockWait.line(
                "V9__add_player_nickname.sql",
                Optional.of(IDLE_IN_TRANSACTION),
                3,
                Duration.ofMillis(1600),
                Duration.ofSeconds(2)))
        .isEqualTo(
            "Waiting for a lock: blocked by pid 4242 (idle in transaction, transaction open"
                + " 1m05s): UPDATE players SET name = 'x' WHERE id = 1;"
                + " V9__add_player_nickname.sql timed out after lock_timeout 2s; retry 3 in 1.6s");
  }

  @Test
  void aBlockerThatWasNotSeenIsSaidSo() {
    assertThat(
            LockWait.line(
                "a statement", Optional.empty(), 1, Duration.ofMillis(300), Duration.ofMillis(500)))
        .isEqualTo(
            "Waiting for a lock: blocker not seen; a statement timed out after lock_timeout"
                + " 500ms; retry 1 in 300ms");
  }

  @Test
  void latestIsTheLastWaitLineOfTheLogWithoutItsPrefix() {
    String log =
        """
        Waiting for a lock: blocked by pid 1: SELECT 1; retry 1 in 250ms
        WARN some Flyway warning
        Waiting for a lock: blocked by pid 2: SELECT 2; retry 2 in 700ms
        WARN another
        """;

    assertThat(LockWaitLine.latest(log)).contains("blocked by pid 2: SELECT 2; retry 2 in 700ms");
  }

  @Test
  void latestIgnoresThePrefixInsideAnotherLineAndAnIncompleteLastLine() {
    assertThat(LockWaitLine.latest("echo Waiting for a lock: x\n")).isEmpty();
    assertThat(LockWaitLine.latest("Waiting for a lock: pid 1\nxx Waiting for a lock: pid 2"))
        .contains("pid 1");
    assertThat(LockWaitLine.latest("Waiting for a lock: blocked by pid 7: SELE"))
        .contains("blocked by pid 7: SELE");
    assertThat(LockWaitLine.latest("Applied 1 migration (V9 x); schema at version 9\n")).isEmpty();
    assertThat(LockWaitLine.latest("")).isEmpty();
    assertThat(LockWaitLine.latest(null)).isEmpty();
  }

  @ParameterizedTest(name = "{0} ms: {1}")
  @CsvSource({
    "0, 0ms",
    "999, 999ms",
    "1000, 1s",
    "1600, 1.6s",
    "9999, 9.9s",
    "10000, 10s",
    "59999, 59s",
    "60000, 1m00s",
    "65000, 1m05s",
    "3599000, 59m59s",
    "3600000, 1h00m",
    "7380000, 2h03m",
  })
  void durationsAreShortAndExactEnough(long ms, String expected) {
    assertThat(LockWait.format(Duration.ofMillis(ms))).isEqualTo(expected);
  }
}
