package dev.schemagate.api;

/** Condition and Event reasons: stable API, documented for on-call in docs/on-call.md. */
public final class Reasons {
  public static final String CONFIG_MAP_NOT_FOUND = "ConfigMapNotFound";
  public static final String NO_MIGRATIONS = "NoMigrations";
  public static final String MIGRATION_RUNNING = "MigrationRunning";
  public static final String MIGRATION_FAILED = "MigrationFailed";
  public static final String MIGRATED = "Migrated";
  public static final String DEPLOYMENT_NOT_FOUND = "DeploymentNotFound";
  public static final String CONTAINER_NOT_FOUND = "ContainerNotFound";
  public static final String WAITING_FOR_JOB = "WaitingForJob";
  public static final String HOLD_COSTS_CAPACITY = "HoldCostsCapacity";
  public static final String RELEASED = "Released";
  public static final String EVICTED = "Evicted";
  public static final String HELD = "Held";
  public static final String RECONCILE_ERROR = "ReconcileError";
  public static final String TARGET_HELD_BY_OTHER = "TargetHeldByOther";
  public static final String DATABASE_CLAIMED_BY_OTHER = "DatabaseClaimedByOther";
  public static final String WORKLOAD_NOT_FOUND = "WorkloadNotFound";
  public static final String JOB_NOT_MANAGED = "JobNotManaged";
  public static final String POD_CANNOT_START = "PodCannotStart";
  public static final String MUTABLE_IMAGE_TAG = "MutableImageTag";

  public static final String REHEARSING = "Rehearsing";
  public static final String REHEARSAL_PASSED = "RehearsalPassed";
  public static final String REHEARSAL_FAILED = "RehearsalFailed";
  public static final String REHEARSAL_SKIPPED = "RehearsalSkipped";
  public static final String REHEARSAL_CANNOT_RUN = "RehearsalCannotRun";
  public static final String NOT_IDEMPOTENT = "NotIdempotent";
  public static final String AWAITING_APPROVAL = "AwaitingApproval";

  private Reasons() {}
}
