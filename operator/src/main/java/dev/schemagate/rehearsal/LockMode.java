package dev.schemagate.rehearsal;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * PostgreSQL's table lock modes, weakest first, with the conflict table of the documentation's
 * "Conflicting Lock Modes": what a lock held by a migration makes the app's sessions wait for.
 */
public enum LockMode {
  ACCESS_SHARE("AccessShareLock"),
  ROW_SHARE("RowShareLock"),
  ROW_EXCLUSIVE("RowExclusiveLock"),
  SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock"),
  SHARE("ShareLock"),
  SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock"),
  EXCLUSIVE("ExclusiveLock"),
  ACCESS_EXCLUSIVE("AccessExclusiveLock");

  /** The mode as {@code pg_locks.mode} names it. */
  private final String pgLocksName;

  LockMode(String pgLocksName) {
    this.pgLocksName = pgLocksName;
  }

  public static Optional<LockMode> fromPgLocks(String mode) {
    return Arrays.stream(values()).filter(m -> m.pgLocksName.equals(mode)).findFirst();
  }

  /** As the documentation and LOCK TABLE write it: {@code ACCESS EXCLUSIVE}. */
  public String sqlName() {
    return name().replace('_', ' ');
  }

  public boolean conflictsWith(LockMode other) {
    return conflicts().contains(other);
  }

  /** Whether an app's plain SELECT (ACCESS SHARE) waits while this lock is held. */
  public boolean blocksReads() {
    return conflictsWith(ACCESS_SHARE);
  }

  /** Whether an app's INSERT, UPDATE or DELETE (ROW EXCLUSIVE) waits while this lock is held. */
  public boolean blocksWrites() {
    return conflictsWith(ROW_EXCLUSIVE);
  }

  /** What the app feels, in a few words. */
  public String effect() {
    if (blocksReads()) {
      return "blocks reads and writes";
    }
    if (blocksWrites()) {
      return "blocks writes";
    }
    return conflictsWith(SHARE_UPDATE_EXCLUSIVE)
        ? "blocks other schema changes and VACUUM, not the app's reads or writes"
        : "blocks only schema changes";
  }

  public LockMode stronger(LockMode other) {
    return compareTo(other) >= 0 ? this : other;
  }

  private Set<LockMode> conflicts() {
    return switch (this) {
      case ACCESS_SHARE -> EnumSet.of(ACCESS_EXCLUSIVE);
      case ROW_SHARE -> EnumSet.of(EXCLUSIVE, ACCESS_EXCLUSIVE);
      case ROW_EXCLUSIVE -> EnumSet.of(SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
      case SHARE_UPDATE_EXCLUSIVE -> EnumSet.range(SHARE_UPDATE_EXCLUSIVE, ACCESS_EXCLUSIVE);
      case SHARE ->
          EnumSet.of(
              ROW_EXCLUSIVE,
              SHARE_UPDATE_EXCLUSIVE,
              SHARE_ROW_EXCLUSIVE,
              EXCLUSIVE,
              ACCESS_EXCLUSIVE);
      case SHARE_ROW_EXCLUSIVE -> EnumSet.range(ROW_EXCLUSIVE, ACCESS_EXCLUSIVE);
      case EXCLUSIVE -> EnumSet.range(ROW_SHARE, ACCESS_EXCLUSIVE);
      case ACCESS_EXCLUSIVE -> EnumSet.allOf(LockMode.class);
    };
  }
}
