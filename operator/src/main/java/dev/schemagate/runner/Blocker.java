package dev.schemagate.runner;

import java.time.Duration;
import java.util.Optional;

/**
 * A session that holds a lock the migration waits for, as {@code pg_stat_activity} shows it. State,
 * transaction age and query are empty where the server hides them from the migration's user (other
 * users' sessions, without {@code pg_read_all_stats}).
 */
record Blocker(
    int pid, Optional<String> state, Optional<Duration> transactionAge, Optional<String> query) {
  static final int QUERY_CHARS = 100;

  /** {@code pid 4242 (idle in transaction, transaction open 1m05s): UPDATE players ...}. */
  String describe() {
    var text = new StringBuilder("pid ").append(pid);
    if (state.isPresent() || transactionAge.isPresent()) {
      text.append(" (");
      state.ifPresent(text::append);
      transactionAge.ifPresent(
          age ->
              text.append(state.isPresent() ? ", " : "")
                  .append("transaction open ")
                  .append(LockWait.format(age)));
      text.append(")");
    }
    text.append(": ");
    text.append(
        query
            .map(Blocker::firstChars)
            .orElse("query not visible to the migration's user (grant it pg_read_all_stats)"));
    return text.toString();
  }

  private static String firstChars(String query) {
    String oneLine = query.strip().replaceAll("\\s+", " ");
    if (oneLine.codePointCount(0, oneLine.length()) <= QUERY_CHARS) {
      return oneLine;
    }
    return oneLine.substring(0, oneLine.offsetByCodePoints(0, QUERY_CHARS)) + "...";
  }
}
