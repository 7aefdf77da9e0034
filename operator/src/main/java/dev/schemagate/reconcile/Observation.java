package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.job.RehearsalRun;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the decision needs, as plain data read from the caches. Built with {@link #builder}:
 * what is not set was not seen (no Jobs, no pods, no workloads).
 *
 * @param runs the SchemaMigration's migration Jobs, in any order
 * @param workloads the target's workloads that exist, in the target's order
 * @param heldPods the target's pods that admission gated
 * @param strayPods the target Deployments' pods of the wanted image that run ungated and are not
 *     Ready yet: created before admission could hold them (a Deployment applied before its
 *     SchemaMigration)
 * @param mechanism how this cluster holds pods
 * @param claimedBy the older SchemaMigration that gates a workload of the target or migrates its
 *     database, if one does
 * @param unwatchedJob a Job of the SchemaMigration's that exists outside the selector the Job cache
 *     is filled by (so not in {@code runs}), if one was read by name
 * @param rehearsal the wanted revision's rehearsal Job, if it exists
 */
public record Observation(
    SchemaMigration migration,
    MigrationSource source,
    List<MigrationRun> runs,
    List<TargetWorkload> workloads,
    List<HeldPod> heldPods,
    List<HeldPod> strayPods,
    HoldMechanism mechanism,
    Optional<TargetClaim.Claim> claimedBy,
    Optional<UnwatchedJob> unwatchedJob,
    Optional<RehearsalRun> rehearsal) {

  /**
   * A Job whose labels were edited out of the selector: the API server has it, the cache does not.
   *
   * @param missingLabels the selector's {@code key=value} pairs it lacks
   */
  public record UnwatchedJob(String name, List<String> missingLabels) {}

  public static Builder builder(SchemaMigration migration, MigrationSource source) {
    return new Builder(migration, source);
  }

  /** The same observation, to change a part of. */
  public Builder toBuilder() {
    return builder(migration, source)
        .runs(runs)
        .workloads(workloads)
        .heldPods(heldPods)
        .strayPods(strayPods)
        .mechanism(mechanism)
        .claimedBy(claimedBy)
        .unwatchedJob(unwatchedJob)
        .rehearsal(rehearsal);
  }

  public static final class Builder {
    private final SchemaMigration migration;
    private final MigrationSource source;
    private List<MigrationRun> runs = List.of();
    private List<TargetWorkload> workloads = List.of();
    private List<HeldPod> heldPods = List.of();
    private List<HeldPod> strayPods = List.of();
    private HoldMechanism mechanism = HoldMechanism.SchedulingGate;
    private Optional<TargetClaim.Claim> claimedBy = Optional.empty();
    private Optional<UnwatchedJob> unwatchedJob = Optional.empty();
    private Optional<RehearsalRun> rehearsal = Optional.empty();

    private Builder(SchemaMigration migration, MigrationSource source) {
      this.migration = Objects.requireNonNull(migration);
      this.source = Objects.requireNonNull(source);
    }

    public Builder runs(List<MigrationRun> runs) {
      this.runs = List.copyOf(runs);
      return this;
    }

    public Builder workloads(List<TargetWorkload> workloads) {
      this.workloads = List.copyOf(workloads);
      return this;
    }

    /** The one-Deployment target: spec.target.deployment alone. */
    public Builder deployment(Optional<TargetDeployment> deployment) {
      return workloads(deployment.map(TargetWorkload::of).stream().toList());
    }

    public Builder heldPods(List<HeldPod> heldPods) {
      this.heldPods = List.copyOf(heldPods);
      return this;
    }

    public Builder strayPods(List<HeldPod> strayPods) {
      this.strayPods = List.copyOf(strayPods);
      return this;
    }

    public Builder mechanism(HoldMechanism mechanism) {
      this.mechanism = Objects.requireNonNull(mechanism);
      return this;
    }

    public Builder claimedBy(Optional<TargetClaim.Claim> claimedBy) {
      this.claimedBy = claimedBy;
      return this;
    }

    public Builder unwatchedJob(Optional<UnwatchedJob> unwatchedJob) {
      this.unwatchedJob = unwatchedJob;
      return this;
    }

    public Builder rehearsal(Optional<RehearsalRun> rehearsal) {
      this.rehearsal = rehearsal;
      return this;
    }

    public Observation build() {
      return new Observation(
          migration,
          source,
          runs,
          workloads,
          heldPods,
          strayPods,
          mechanism,
          claimedBy,
          unwatchedJob,
          rehearsal);
    }
  }
}
