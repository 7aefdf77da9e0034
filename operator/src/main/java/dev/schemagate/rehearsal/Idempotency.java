package dev.schemagate.rehearsal;

/**
 * What a failed re-run of the migration on its own result does to the rehearsal's verdict.
 *
 * <p>WARN by default: a migration that cannot run twice is safe as long as it never fails halfway,
 * and teams whose tools run each migration once (plain {@code CREATE TYPE} behind Alembic's or
 * Flyway's history) are common; refusing them by default would block their releases for a risk they
 * may have accepted. The warning names the statement that failed, and CI can ask for REQUIRE.
 */
public enum Idempotency {
  REQUIRE,
  WARN,
  OFF
}
