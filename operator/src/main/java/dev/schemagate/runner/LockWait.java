package dev.schemagate.runner;

import dev.schemagate.runlog.LockWaitLine;
import java.time.Duration;
import java.util.Optional;

/**
 * The line the runner prints each time it gives up on a lock and waits to retry ({@link
 * LockWaitLine}).
 */
final class LockWait {
  private LockWait() {}

  static String line(
      String timedOut, Optional<Blocker> blocker, int retry, Duration delay, Duration lockTimeout) {
    return LockWaitLine.PREFIX
        + blockedBy(blocker)
        + "; "
        + timedOut
        + " timed out after lock_timeout "
        + format(lockTimeout)
        + "; retry "
        + retry
        + " in "
        + format(delay);
  }

  static String blockedBy(Optional<Blocker> blocker) {
    // The watch samples while the lock is awaited; a blocker that ended within one sample is
    // missed.
    return blocker.map(b -> "blocked by " + b.describe()).orElse("blocker not seen");
  }

  /** {@code 300ms}, {@code 2.5s}, {@code 1m05s}, {@code 2h03m}: short, and exact enough. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 10_000) {
      long tenths = ms / 100;
      return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return "%dm%02ds".formatted(s / 60, s % 60);
    }
    return "%dh%02dm".formatted(s / 3600, s % 3600 / 60);
  }
}
