package dev.schemagate.rehearsal;

import java.util.List;
import java.util.Optional;

/**
 * The rehearsal's outcome as an exit code and a headline: the first run's failure first, then a
 * re-run's under {@link Idempotency#REQUIRE}, then destructive changes not allowed. Pure.
 */
public record Verdict(int exitCode, String headline) {
  public static final int PASSED = 0;
  public static final int FAILED = 1;
  public static final int INVALID_INPUT = 2;
  public static final int CANNOT_COPY = 3;
  public static final int UNEXPECTED = 4;
  public static final int DESTRUCTIVE = 5;

  /**
   * @param rerunSucceeded empty when there was no re-run
   */
  public static Verdict of(
      boolean runSucceeded,
      Optional<Boolean> rerunSucceeded,
      Idempotency idempotency,
      List<SchemaChange> changes,
      boolean allowDestructive) {
    if (!runSucceeded) {
      return new Verdict(FAILED, "FAILED: the migration failed on the copy of production's schema");
    }
    boolean rerunFailed = rerunSucceeded.filter(ok -> !ok).isPresent();
    if (rerunFailed && idempotency == Idempotency.REQUIRE) {
      return new Verdict(
          FAILED, "FAILED: the migration passed, but failed when run again on its own result");
    }
    long destructive = changes.stream().filter(SchemaChange::destructive).count();
    if (destructive > 0 && !allowDestructive) {
      return new Verdict(
          DESTRUCTIVE,
          "REFUSED: the migration makes %d destructive change%s (pass --allow-destructive to accept)"
              .formatted(destructive, destructive == 1 ? "" : "s"));
    }
    String passed = "PASSED: the migration ran on the copy of production's schema";
    if (rerunFailed) {
      return new Verdict(PASSED, passed + "; WARNING: it failed when run again on its own result");
    }
    return new Verdict(
        PASSED,
        passed
            + (rerunSucceeded.isPresent() ? " and again on its own result" : "")
            + (destructive > 0 ? "; destructive changes allowed" : ""));
  }
}
