package dev.schemagate.runlog;

import java.util.Optional;

/**
 * The line the runner prints each time it gives up on a lock and waits to retry, and how the
 * operator finds the latest one in a pod's log tail: the runner cannot write the SchemaMigration's
 * status itself (its pod has no ServiceAccount token).
 */
public final class LockWaitLine {
  public static final String PREFIX = "Waiting for a lock: ";

  private LockWaitLine() {}

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
}
