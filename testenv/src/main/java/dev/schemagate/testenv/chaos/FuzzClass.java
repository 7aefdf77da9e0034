package dev.schemagate.testenv.chaos;

/** The kinds of damage {@link FuzzDocuments} does to a valid SchemaMigration. */
public enum FuzzClass {
  /** Unchanged: a control sample, which must be accepted. */
  VALID,
  /** A field of another JSON type: a number for a string, an object for a list. */
  WRONG_TYPE,
  /** A required field left out. */
  MISSING_FIELD,
  /** A field the schema does not have (sent with fieldValidation=Strict, as kubectl does). */
  UNKNOWN_FIELD,
  /** A string of 64 KiB to 1 MiB. */
  HUGE_STRING,
  /** Emoji, right-to-left text, combining marks, an unpaired surrogate, in a string. */
  UNICODE,
  /** NUL, newline, escape and other control characters in a string. */
  CONTROL_CHARACTERS,
  /** An unknown field holding objects nested 10 to 10,000 deep. */
  DEEP_NESTING,
  /** A name, a string or a number exactly at its limit (accepted) or one past it (refused). */
  LIMIT
}
