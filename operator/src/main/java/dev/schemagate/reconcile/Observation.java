package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.job.MigrationRun;
import java.util.List;
import java.util.Optional;

/**
 * Everything the decision needs, as plain data read from the caches.
 *
 * @param runs the SchemaMigration's migration Jobs, in any order
 * @param deployment the target Deployment, empty when it does not exist
 * @param heldPods the target's pods that admission gated
 * @param strayPods the target's pods of the wanted image that run ungated and are not Ready yet:
 *     created before admission could hold them (a Deployment applied before its SchemaMigration)
 * @param mechanism how this cluster holds pods
 * @param targetHeldBy the other SchemaMigration that gates the same Deployment, if one does
 * @param unwatchedJob a Job of the SchemaMigration's that exists outside the selector the Job cache
 *     is filled by (so not in {@code runs}), if one was read by name
 */
public record Observation(
    SchemaMigration migration,
    MigrationSource source,
    List<MigrationRun> runs,
    Optional<TargetDeployment> deployment,
    List<HeldPod> heldPods,
    List<HeldPod> strayPods,
    HoldMechanism mechanism,
    Optional<String> targetHeldBy,
    Optional<UnwatchedJob> unwatchedJob) {

  /**
   * A Job whose labels were edited out of the selector: the API server has it, the cache does not.
   *
   * @param missingLabels the selector's {@code key=value} pairs it lacks
   */
  public record UnwatchedJob(String name, List<String> missingLabels) {}

  /** The same observation, knowing of this Job. */
  public Observation withUnwatchedJob(UnwatchedJob job) {
    return new Observation(
        migration,
        source,
        runs,
        deployment,
        heldPods,
        strayPods,
        mechanism,
        targetHeldBy,
        Optional.of(job));
  }
}
