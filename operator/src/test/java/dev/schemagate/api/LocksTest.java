package dev.schemagate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LocksTest {
  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "500ms, 500",
    "2s, 2000",
    "10m, 600000",
    "1h30m, 5400000",
    "1m30s500ms, 90500",
    "0s, 0",
  })
  void parsesGoDurationsOfWholeUnits(String text, long ms) {
    assertThat(Locks.parseDuration(text)).isEqualTo(Duration.ofMillis(ms));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2", "1.5s", "-1s", "2 s", "2S", "1d", "5min", "s"})
  void refusesWhatTheCrdRefuses(String text) {
    assertThatThrownBy(() -> Locks.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a duration such as 500ms");
  }

  @Test
  void defaultsAreTwoSecondsAndTenMinutes() {
    var locks = new Locks();

    assertThat(locks.timeoutOrDefault()).isEqualTo(Duration.ofSeconds(2));
    assertThat(locks.retryBudgetOrDefault()).isEqualTo(Duration.ofMinutes(10));
  }
}
