package dev.schemagate.api;

/** Which rehearsed revisions wait for a person's approval before production is migrated. */
public enum Approval {
  /** None waits. */
  Never,
  /**
   * A revision whose rehearsal dropped or narrowed something (a table, column, type or enum value,
   * NOT NULL added to an existing column) waits.
   */
  Destructive,
  /** Every revision waits. */
  Always
}
