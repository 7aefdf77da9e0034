package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LockRetryTest {
  private static final LockRetry TEN_MINUTES = LockRetry.within(Duration.ofMinutes(10));

  @ParameterizedTest(name = "retry {0} after {1}ms, random {2}: {3}")
  @CsvSource(
      nullValues = "none",
      value = {
        // Half the doubled base is fixed, half is jitter.
        "1, 0, 0.0, 250",
        "1, 0, 0.999, 499",
        "2, 0, 0.0, 500",
        "3, 0, 0.5, 1500",
        "4, 0, 0.0, 2000",
        // Capped at 30 s, however many retries.
        "7, 0, 0.0, 15000",
        "8, 0, 0.999, 29985",
        "40, 0, 0.0, 15000",
        // Never past the budget: a pause that would end after it is not taken.
        "1, 599750, 0.0, 250",
        "1, 599751, 0.0, none",
        "8, 580000, 0.0, 15000",
        "8, 590000, 0.0, none",
      })
  void pausesGrowExponentiallyWithJitterWithinTheBudget(
      int retry, long elapsedMs, double random, Long expectedMs) {
    assertThat(TEN_MINUTES.delay(retry, Duration.ofMillis(elapsedMs), random))
        .isEqualTo(Optional.ofNullable(expectedMs).map(Duration::ofMillis));
  }

  @ParameterizedTest
  @CsvSource({"0.0", "0.5"})
  void aZeroBudgetNeverRetries(double random) {
    assertThat(LockRetry.within(Duration.ZERO).delay(1, Duration.ZERO, random)).isEmpty();
  }
}
