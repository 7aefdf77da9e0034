package dev.schemagate.reconcile;

import dev.schemagate.api.LastPodProblem;
import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.RehearsalStatus;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.WorkloadStatus;
import dev.schemagate.reconcile.Conditions.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The next status, seeded from the previous one: a field this reconcile does not set is carried
 * over as it was. The only place a status is copied.
 */
final class StatusBuilder {
  private final SchemaMigrationStatus previous;
  private final SchemaMigrationStatus next = new SchemaMigrationStatus();

  private StatusBuilder(SchemaMigrationStatus previous) {
    this.previous = previous;
    next.setObservedGeneration(previous.getObservedGeneration());
    next.setRevision(previous.getRevision());
    next.setImage(previous.getImage());
    next.setSettlingSince(previous.getSettlingSince());
    next.setJob(previous.getJob());
    next.setAppliedRevision(previous.getAppliedRevision());
    next.setMigrated(new ArrayList<>(previous.getMigrated()));
    next.setHeldPods(previous.getHeldPods());
    next.setWorkloads(new ArrayList<>(previous.getWorkloads()));
    next.setHoldMechanism(previous.getHoldMechanism());
    next.setStoppedReplicas(previous.getStoppedReplicas());
    next.setLastPodProblem(previous.getLastPodProblem());
    next.setRehearsal(previous.getRehearsal());
    next.setConditions(new ArrayList<>(previous.getConditions()));
  }

  static StatusBuilder from(SchemaMigrationStatus previous) {
    return new StatusBuilder(previous);
  }

  StatusBuilder observedGeneration(Long generation) {
    next.setObservedGeneration(generation);
    return this;
  }

  StatusBuilder revision(String revision) {
    next.setRevision(revision);
    return this;
  }

  StatusBuilder image(String image) {
    next.setImage(image);
    return this;
  }

  StatusBuilder settlingSince(String settlingSince) {
    next.setSettlingSince(settlingSince);
    return this;
  }

  StatusBuilder job(String job) {
    next.setJob(job);
    return this;
  }

  StatusBuilder appliedRevision(String appliedRevision) {
    next.setAppliedRevision(appliedRevision);
    return this;
  }

  StatusBuilder migrated(List<MigratedImage> migrated) {
    next.setMigrated(new ArrayList<>(migrated));
    return this;
  }

  StatusBuilder heldPods(Integer heldPods) {
    next.setHeldPods(heldPods);
    return this;
  }

  StatusBuilder workloads(List<WorkloadStatus> workloads) {
    next.setWorkloads(new ArrayList<>(workloads));
    return this;
  }

  StatusBuilder holdMechanism(String holdMechanism) {
    next.setHoldMechanism(holdMechanism);
    return this;
  }

  StatusBuilder stoppedReplicas(Integer stoppedReplicas) {
    next.setStoppedReplicas(stoppedReplicas);
    return this;
  }

  StatusBuilder lastPodProblem(LastPodProblem problem) {
    next.setLastPodProblem(problem);
    return this;
  }

  StatusBuilder rehearsal(RehearsalStatus rehearsal) {
    next.setRehearsal(rehearsal);
    return this;
  }

  /**
   * The conditions of this verdict, for this generation; each keeps its lastTransitionTime unless
   * its status flips from the previous one.
   */
  StatusBuilder verdict(Verdict verdict, long generation, Instant now) {
    next.setConditions(Conditions.of(verdict, previous.getConditions(), generation, now));
    return this;
  }

  SchemaMigrationStatus build() {
    return next;
  }

  /** The status to write: empty when it is the previous one, so that nothing is written. */
  Optional<SchemaMigrationStatus> changed() {
    return next.equals(previous) ? Optional.empty() : Optional.of(next);
  }
}
