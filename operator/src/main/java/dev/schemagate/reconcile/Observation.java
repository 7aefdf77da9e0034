package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.job.JobOutcome;

/**
 * Everything the decision needs, as plain data read from the caches.
 *
 * @param job the Job of the wanted revision (Absent when the source is invalid)
 * @param deploymentReplicas spec.replicas of the target Deployment, null when it does not exist
 */
public record Observation(
    SchemaMigration migration,
    MigrationSource source,
    JobOutcome job,
    Integer deploymentReplicas) {}
