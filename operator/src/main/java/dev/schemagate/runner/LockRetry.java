package dev.schemagate.runner;

import java.time.Duration;
import java.util.Optional;

/**
 * When to try again a migration that timed out waiting for a lock: exponential back-off from {@code
 * firstDelay}, capped at {@code maxDelay}, with "equal jitter" (half fixed, half random) so that
 * runners that gave up together do not queue together again, and never past {@code budget}.
 */
record LockRetry(Duration firstDelay, Duration maxDelay, Duration budget) {
  /** Short first pauses, as GitLab's lock retries: most blockers are brief transactions. */
  static LockRetry within(Duration budget) {
    return new LockRetry(Duration.ofMillis(500), Duration.ofSeconds(30), budget);
  }

  /**
   * @param retry 1 for the first retry
   * @param elapsed since the first attempt started
   * @param random a number in [0, 1)
   * @return the pause before retry number {@code retry}, or empty when it would end past the budget
   */
  Optional<Duration> delay(int retry, Duration elapsed, double random) {
    long cap = maxDelay.toMillis();
    long base = Math.min(cap, firstDelay.toMillis() << Math.min(retry - 1, 30));
    Duration delay = Duration.ofMillis(base / 2 + (long) (random * (base - base / 2)));
    return elapsed.plus(delay).compareTo(budget) <= 0 ? Optional.of(delay) : Optional.empty();
  }
}
