package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How a migration waits for table locks: never longer than {@code timeout} at a time, so that the
 * live app's queries queued behind its lock request wait no longer either; retried within {@code
 * retryBudget}.
 */
public class Locks {
  public static final String DEFAULT_TIMEOUT = "2s";
  public static final String DEFAULT_RETRY_BUDGET = "10m";

  /** A Go duration of whole units, as CEL's duration() and kubectl read it: 500ms, 2s, 1m30s. */
  private static final Pattern DURATION = Pattern.compile("^([0-9]{1,9}(ms|s|m|h))+$");

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  @Size(max = 32)
  @ValidationRule(
      value =
          "self.matches('^([0-9]{1,9}(ms|s|m|h))+$') && duration(self) >= duration('10ms')"
              + " && duration(self) <= duration('10m')",
      message = "locks.timeout must be a duration such as 500ms or 2s, from 10ms to 10m")
  @JsonPropertyDescription(
      "lock_timeout of the migration's PostgreSQL sessions (default 2s): a statement that waits"
          + " longer for a lock fails, and the app's queries queued behind it go on. Command"
          + " Jobs get it as PGOPTIONS.")
  private String timeout;

  @Size(max = 32)
  @ValidationRule(
      value = "self.matches('^([0-9]{1,9}(ms|s|m|h))+$') && duration(self) <= duration('24h')",
      message = "locks.retryBudget must be a duration such as 10m or 1h30m, at most 24h")
  @JsonPropertyDescription(
      "How long the built-in runner retries a migration that timed out on a lock (SQLSTATE"
          + " 55P03), with jittered exponential back-off (default 10m; 0s: no retry). The Job's"
          + " activeDeadlineSeconds bounds it too.")
  private String retryBudget;

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public String getRetryBudget() {
    return retryBudget;
  }

  public void setRetryBudget(String retryBudget) {
    this.retryBudget = retryBudget;
  }

  public Duration timeoutOrDefault() {
    return parseDuration(timeout == null ? DEFAULT_TIMEOUT : timeout);
  }

  public Duration retryBudgetOrDefault() {
    return parseDuration(retryBudget == null ? DEFAULT_RETRY_BUDGET : retryBudget);
  }

  /**
   * Parses the durations the CRD admits ({@code 500ms}, {@code 2s}, {@code 1h30m}).
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Duration parseDuration(String text) {
    if (text == null || !DURATION.matcher(text).matches()) {
      throw new IllegalArgumentException("not a duration such as 500ms, 2s, 10m or 1h30m: " + text);
    }
    Duration total = Duration.ZERO;
    var part = PART.matcher(text);
    while (part.find()) {
      long n = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return total;
  }
}
