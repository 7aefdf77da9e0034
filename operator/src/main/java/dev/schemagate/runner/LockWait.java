package dev.schemagate.runner;

import java.time.Duration;
import java.util.Optional;

/**
 * The line the runner prints each time it gives up on a lock and waits to retry, and how the
 * operator finds the latest one in a pod's log tail: the runner cannot write the SchemaMigration's
 * status itself (its pod has no ServiceAccount token).
 */
public final class LockWait {
  public static final String PREFIX = "Waiting for a lock: ";

  private LockWait() {}

  static String line(
      String timedOut, Optional<Blocker> blocker, int retry, Duration delay, Duration lockTimeout) {
    return PREFIX
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

  /** The last wait line of a log, without the prefix: what the status message shows. */
  public static Optional<String> latest(String log) {
    if (log == null) {
      return Optional.empty();
    }
    int at = log.lastIndexOf(PREFIX);
    // A prefix that starts no line is someone else's text.
    while (at > 0 && log.charAt(at - 1) != '\n') {
      at = log.lastIndexOf(PREFIX, at - 1);
    }
    if (at < 0) {
      return Optional.empty();
    }
    int end = log.indexOf('\n', at);
    String line = log.substring(at + PREFIX.length(), end < 0 ? log.length() : end).strip();
    return line.isEmpty() ? Optional.empty() : Optional.of(line);
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
