package dev.schemagate.testenv.node;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The kubelet's back-off for restarting crashed containers and retrying image and config errors:
 * the first retry is immediate, then base, 2 x base, ... up to the cap (10 s and 5 min in a
 * kubelet). Unlike the kubelet it never resets after a long healthy run: tests do not need it.
 */
record BackOff(Duration base, Duration cap) {
  static final Duration KUBELET_BASE = Duration.ofSeconds(10);
  static final Duration KUBELET_CAP = Duration.ofMinutes(5);

  /** How long to wait before retry number {@code retries + 1}. */
  Duration delay(int retries) {
    if (retries == 0) {
      return Duration.ZERO;
    }
    var delay = base.multipliedBy(1L << Math.min(retries - 1, 20));
    return delay.compareTo(cap) > 0 ? cap : delay;
  }

  /** Go's time.Duration format ("10s", "5m0s", "500ms"), as in the kubelet's messages. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    var seconds = BigDecimal.valueOf(ms % 60_000, 3).stripTrailingZeros().toPlainString() + "s";
    long minutes = ms / 60_000 % 60, hours = ms / 3_600_000;
    return hours > 0
        ? hours + "h" + minutes + "m" + seconds
        : minutes > 0 ? minutes + "m" + seconds : seconds;
  }
}
