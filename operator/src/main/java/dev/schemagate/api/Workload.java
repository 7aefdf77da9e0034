package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A workload of the SchemaMigration's namespace that runs the app's image. */
public class Workload {
  @Required
  @JsonPropertyDescription("Deployment, StatefulSet, CronJob (the pods of its Jobs) or Job.")
  private WorkloadKind kind;

  @Required
  @Size(min = 1, max = 63)
  @ValidationRule(
      value = Names.DNS_LABEL_RULE,
      message = "workloads[].name " + Names.DNS_LABEL_MESSAGE)
  @JsonPropertyDescription("Its name, in the SchemaMigration's namespace.")
  private String name;

  @Size(min = 1, max = 63)
  @ValidationRule(
      value = Names.DNS_LABEL_RULE,
      message = "workloads[].container " + Names.DNS_LABEL_MESSAGE)
  @JsonPropertyDescription(
      "Its app container, whose image is the unit of release (default: target.container, else"
          + " the first container).")
  private String container;

  public Workload() {}

  public Workload(WorkloadKind kind, String name) {
    this.kind = kind;
    this.name = name;
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

  public String getContainer() {
    return container;
  }

  public void setContainer(String container) {
    this.container = container;
  }
}
