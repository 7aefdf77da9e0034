package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

public class SchemaMigrationStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Short hash of everything that defines the migration now wanted.")
  private String revision;

  @JsonPropertyDescription("Last revision whose Job succeeded.")
  private String appliedRevision;

  @JsonPropertyDescription("The Job of the wanted revision.")
  private String job;

  @JsonPropertyDescription(
      "The app image the wanted revision migrates: the one being migrated while a workload runs it,"
          + " else the first unmigrated one in the target's order.")
  private String image;

  @JsonPropertyDescription(
      "When a new revision for the image already wanted (changed migrations, a retry) was first"
          + " seen: its Job waits a moment for a new image that may come in the same apply.")
  private String settlingSince;

  @JsonPropertyDescription(
      "Images whose migration has succeeded, newest first: their pods are admitted, pods of any"
          + " other image of the target are held.")
  private List<MigratedImage> migrated = new ArrayList<>();

  @JsonPropertyDescription("Pods of the target's workloads held (scheduling-gated) now.")
  private Integer heldPods;

  @JsonPropertyDescription(
      "The target's workloads that exist, in the target's order: each one's app image and its"
          + " pods held now.")
  private List<WorkloadStatus> workloads = new ArrayList<>();

  @JsonPropertyDescription(
      "How pods are held: SchedulingGate (a MutatingAdmissionPolicy gates them at creation) or"
          + " AdmissionPolicy (a ValidatingAdmissionPolicy refuses them).")
  private String holdMechanism;

  @JsonPropertyDescription(
      "strategy StopOldPods: the Deployment's replicas before it was scaled to 0, restored once"
          + " migrated.")
  private Integer stoppedReplicas;

  @JsonPropertyDescription(
      "Why the wanted revision's migration pod has not started (a missing Secret or key, an image"
          + " pull, no node), kept after the pod is gone.")
  private LastPodProblem lastPodProblem;

  @JsonPropertyDescription(
      "What the wanted revision's rehearsal on a copy of production's schema found.")
  private RehearsalStatus rehearsal;

  @JsonPropertyDescription("Ready, Reconciling and Stalled, as kstatus reads them.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getAppliedRevision() {
    return appliedRevision;
  }

  public void setAppliedRevision(String appliedRevision) {
    this.appliedRevision = appliedRevision;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getSettlingSince() {
    return settlingSince;
  }

  public void setSettlingSince(String settlingSince) {
    this.settlingSince = settlingSince;
  }

  public List<MigratedImage> getMigrated() {
    return migrated;
  }

  public void setMigrated(List<MigratedImage> migrated) {
    this.migrated = migrated == null ? new ArrayList<>() : migrated;
  }

  public Integer getHeldPods() {
    return heldPods;
  }

  public void setHeldPods(Integer heldPods) {
    this.heldPods = heldPods;
  }

  public List<WorkloadStatus> getWorkloads() {
    return workloads;
  }

  public void setWorkloads(List<WorkloadStatus> workloads) {
    this.workloads = workloads == null ? new ArrayList<>() : workloads;
  }

  public String getHoldMechanism() {
    return holdMechanism;
  }

  public void setHoldMechanism(String holdMechanism) {
    this.holdMechanism = holdMechanism;
  }

  public Integer getStoppedReplicas() {
    return stoppedReplicas;
  }

  public void setStoppedReplicas(Integer stoppedReplicas) {
    this.stoppedReplicas = stoppedReplicas;
  }

  public LastPodProblem getLastPodProblem() {
    return lastPodProblem;
  }

  public void setLastPodProblem(LastPodProblem lastPodProblem) {
    this.lastPodProblem = lastPodProblem;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public RehearsalStatus getRehearsal() {
    return rehearsal;
  }

  public void setRehearsal(RehearsalStatus rehearsal) {
    this.rehearsal = rehearsal;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SchemaMigrationStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(revision, s.revision)
        && Objects.equals(appliedRevision, s.appliedRevision)
        && Objects.equals(job, s.job)
        && Objects.equals(image, s.image)
        && Objects.equals(settlingSince, s.settlingSince)
        && Objects.equals(migrated, s.migrated)
        && Objects.equals(heldPods, s.heldPods)
        && Objects.equals(workloads, s.workloads)
        && Objects.equals(holdMechanism, s.holdMechanism)
        && Objects.equals(stoppedReplicas, s.stoppedReplicas)
        && Objects.equals(lastPodProblem, s.lastPodProblem)
        && Objects.equals(rehearsal, s.rehearsal)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        revision,
        appliedRevision,
        job,
        image,
        settlingSince,
        migrated,
        heldPods,
        workloads,
        holdMechanism,
        stoppedReplicas,
        lastPodProblem,
        rehearsal,
        conditions);
  }
}
