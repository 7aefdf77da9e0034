package dev.schemagate.api;

/** The kinds of workload whose pods a SchemaMigration can hold. */
public enum WorkloadKind {
  Deployment,
  StatefulSet,
  /** The pods of the Jobs it schedules. */
  CronJob,
  /** The pods of one named Job. */
  Job
}
