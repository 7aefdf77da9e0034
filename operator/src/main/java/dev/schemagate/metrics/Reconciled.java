package dev.schemagate.metrics;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.job.MigrationRun;
import java.util.List;

/**
 * What one reconcile saw and did, as the metrics read it.
 *
 * @param migration the SchemaMigration as the reconcile found it: its status is the one before
 * @param after the status after the reconcile
 * @param runs its migration Jobs
 * @param heldPods the pods held when it began
 * @param released the held pods it releases
 */
public record Reconciled(
    SchemaMigration migration,
    SchemaMigrationStatus after,
    List<MigrationRun> runs,
    List<HeldPod> heldPods,
    List<String> released) {}
