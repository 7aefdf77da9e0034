package dev.schemagate.api;

/** What a failed re-run of the migration on its own result does to the rehearsal. */
public enum IdempotencyPolicy {
  /** The rehearsal fails. */
  Require,
  /**
   * Reported in status and a Warning Event; production is migrated. The default: migrations that
   * run once behind a history table (a plain CREATE TYPE) are common, and refusing them by default
   * would block releases for a risk their teams may have accepted.
   */
  Warn,
  /** Not run again. */
  Off
}
