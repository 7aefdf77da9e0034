package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class JobSettings {
  public static final int DEFAULT_BACKOFF_LIMIT = 2;
  public static final long DEFAULT_ACTIVE_DEADLINE_SECONDS = 600;

  @Min(0)
  @Max(20)
  @JsonPropertyDescription("Retries of a failed migration pod before the Job fails (default 2).")
  private Integer backoffLimit;

  @Min(1)
  @Max(86400)
  @JsonPropertyDescription("Seconds the whole Job may run before it is failed (default 600).")
  private Long activeDeadlineSeconds;

  @JsonPropertyDescription(
      "PodTemplate (default): the migration pod is the target's pod with the command replaced"
          + " (its environment, mounts, service account, pull secrets, scheduling and native"
          + " sidecars; the built-in Flyway runner takes the pod-level part only). None: a pod of"
          + " SchemaGate's own.")
  private Inherit inherit;

  @JsonPropertyDescription(
      "Labels, annotations and a pod spec patch for the migration pod, over what it inherits.")
  private MigrationPodTemplate podTemplate;

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }

  public Long getActiveDeadlineSeconds() {
    return activeDeadlineSeconds;
  }

  public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }

  public Inherit getInherit() {
    return inherit;
  }

  public void setInherit(Inherit inherit) {
    this.inherit = inherit;
  }

  public MigrationPodTemplate getPodTemplate() {
    return podTemplate;
  }

  public void setPodTemplate(MigrationPodTemplate podTemplate) {
    this.podTemplate = podTemplate;
  }

  public Inherit inheritOrDefault() {
    return inherit == null ? Inherit.PodTemplate : inherit;
  }

  public int backoffLimitOrDefault() {
    return backoffLimit == null ? DEFAULT_BACKOFF_LIMIT : backoffLimit;
  }

  public long activeDeadlineSecondsOrDefault() {
    return activeDeadlineSeconds == null ? DEFAULT_ACTIVE_DEADLINE_SECONDS : activeDeadlineSeconds;
  }
}
