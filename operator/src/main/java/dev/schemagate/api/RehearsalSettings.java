package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** spec.rehearsal: how a new revision is rehearsed before production is migrated. */
public class RehearsalSettings {
  @Default("Auto")
  @JsonPropertyDescription(
      "Auto (default): rehearse each new revision on a scratch copy of production's schema (plus"
          + " the tool's history rows) before its production Job; if the rehearsal cannot run"
          + " for a reason of the environment (the role lacks CREATEDB, pg_dump older than the"
          + " server), migrate production anyway with a Warning. Required: stall instead. Off:"
          + " no rehearsal.")
  private RehearsalMode mode = RehearsalMode.Auto;

  @Default("Warn")
  @JsonPropertyDescription(
      "What a failed re-run of the migration on its own result does: Require fails the"
          + " rehearsal, Warn (default) reports it and migrates production, Off does not re-run.")
  private IdempotencyPolicy idempotency = IdempotencyPolicy.Warn;

  public RehearsalMode getMode() {
    return mode;
  }

  public void setMode(RehearsalMode mode) {
    this.mode = mode;
  }

  public IdempotencyPolicy getIdempotency() {
    return idempotency;
  }

  public void setIdempotency(IdempotencyPolicy idempotency) {
    this.idempotency = idempotency;
  }

  /** The mode, Auto when unset (an object written before the field existed). */
  public static RehearsalMode modeOf(RehearsalSettings settings) {
    return settings == null || settings.mode == null ? RehearsalMode.Auto : settings.mode;
  }

  public static IdempotencyPolicy idempotencyOf(RehearsalSettings settings) {
    return settings == null || settings.idempotency == null
        ? IdempotencyPolicy.Warn
        : settings.idempotency;
  }
}
