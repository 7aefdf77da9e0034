package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * What the migration gates: the app's workloads. {@code deployment} alone is the one-Deployment
 * case; {@code workloads} adds the others that run the same image (a worker, a CronJob, a
 * StatefulSet), all held by the one migration of each image.
 */
@ValidationRule(
    value = "has(self.deployment) || (has(self.workloads) && size(self.workloads) > 0)",
    message = "name what to gate: spec.target.deployment, spec.target.workloads, or both")
@ValidationRule(
    value =
        "!has(self.workloads) || self.workloads.all(w, self.workloads.exists_one(x, x.kind =="
            + " w.kind && x.name == w.name) && !(has(self.deployment) && w.kind == 'Deployment'"
            + " && w.name == self.deployment))",
    message = "spec.target.workloads names a workload twice (spec.target.deployment counts too)")
public class Target {
  @Size(min = 1, max = 63)
  @ValidationRule(
      value = Names.DNS_LABEL_RULE,
      message = "target.deployment " + Names.DNS_LABEL_MESSAGE)
  @JsonPropertyDescription(
      "Name of the Deployment in the same namespace (the app's main workload: the migration's pod"
          + " is derived from its pod template). SchemaGate owns none of its fields: its replicas,"
          + " strategy and HPA stay yours.")
  private String deployment;

  @Size(min = 1, max = 63)
  @ValidationRule(
      value = Names.DNS_LABEL_RULE,
      message = "target.container " + Names.DNS_LABEL_MESSAGE)
  @JsonPropertyDescription(
      "The app container of the workloads' pods, whose image is the unit of release (default:"
          + " the first container).")
  private String container;

  @Size(max = 16)
  @JsonPropertyDescription(
      "Further workloads of the namespace that run the app's image (a worker, a CronJob, a"
          + " StatefulSet): their pods of an image not yet migrated are held too, by the same"
          + " migration. One Job per image, whatever the number of workloads.")
  private List<Workload> workloads;

  public Target() {}

  public Target(String deployment) {
    this.deployment = deployment;
  }

  public String getDeployment() {
    return deployment;
  }

  public void setDeployment(String deployment) {
    this.deployment = deployment;
  }

  public List<Workload> getWorkloads() {
    return workloads;
  }

  public void setWorkloads(List<Workload> workloads) {
    this.workloads = workloads;
  }

  public String getContainer() {
    return container;
  }

  public void setContainer(String container) {
    this.container = container;
  }
}
