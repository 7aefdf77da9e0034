package dev.schemagate.api;

/** Whether a new revision is rehearsed on a copy of production's schema before production. */
public enum RehearsalMode {
  /**
   * Rehearse; when the rehearsal cannot run for a reason of the environment (no CREATEDB, a pg_dump
   * older than the server, a source it cannot rehearse yet), migrate production anyway and say so.
   */
  Auto,
  /** Rehearse; when the rehearsal cannot run, stall instead of migrating production unrehearsed. */
  Required,
  /** Migrate production without a rehearsal. */
  Off
}
