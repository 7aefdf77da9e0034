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

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SchemaMigrationStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(revision, s.revision)
        && Objects.equals(appliedRevision, s.appliedRevision)
        && Objects.equals(job, s.job)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, revision, appliedRevision, job, conditions);
  }
}
