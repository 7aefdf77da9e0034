package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * Why the wanted revision's migration pod has not started, kept in status because the pod may be
 * gone (deleted at the Job's deadline) by the time the Job fails.
 */
public class LastPodProblem {
  @JsonPropertyDescription("The Job whose pod it is.")
  private String job;

  @JsonPropertyDescription(
      "The kubelet's or scheduler's reason: CreateContainerConfigError, ImagePullBackOff,"
          + " Unschedulable...")
  private String reason;

  @JsonPropertyDescription("What it said, e.g. secret \"basketball-db\" not found.")
  private String message;

  @JsonPropertyDescription("When this reason was first seen for the Job.")
  private String since;

  public LastPodProblem() {}

  public LastPodProblem(String job, String reason, String message, String since) {
    this.job = job;
    this.reason = reason;
    this.message = message;
    this.since = since;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LastPodProblem p
        && Objects.equals(job, p.job)
        && Objects.equals(reason, p.reason)
        && Objects.equals(message, p.message)
        && Objects.equals(since, p.since);
  }

  @Override
  public int hashCode() {
    return Objects.hash(job, reason, message, since);
  }
}
