package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * One workload of the target as the gate last saw it. No Ready count: that changes with every pod
 * and would cost a status write each time; the workload's own status has it.
 */
public class WorkloadStatus {
  @JsonPropertyDescription("Deployment, StatefulSet, CronJob or Job.")
  private WorkloadKind kind;

  @JsonPropertyDescription("Its name.")
  private String name;

  @JsonPropertyDescription("The app image its pod template runs.")
  private String image;

  @JsonPropertyDescription("Its pods held now (scheduling-gated); absent when none.")
  private Integer heldPods;

  public WorkloadStatus() {}

  public WorkloadStatus(WorkloadKind kind, String name, String image, Integer heldPods) {
    this.kind = kind;
    this.name = name;
    this.image = image;
    this.heldPods = heldPods;
  }

  public WorkloadKind getKind() {
    return kind;
  }

  public void setKind(WorkloadKind kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Integer getHeldPods() {
    return heldPods;
  }

  public void setHeldPods(Integer heldPods) {
    this.heldPods = heldPods;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkloadStatus w
        && kind == w.kind
        && Objects.equals(name, w.name)
        && Objects.equals(image, w.image)
        && Objects.equals(heldPods, w.heldPods);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, image, heldPods);
  }

  @Override
  public String toString() {
    return "%s %s: %s, %s held".formatted(kind, name, image, heldPods);
  }
}
