package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class Target {
  @Required
  @Size(min = 1, max = 63)
  @ValidationRule(
      value = Names.DNS_LABEL_RULE,
      message = "target.deployment " + Names.DNS_LABEL_MESSAGE)
  @JsonPropertyDescription(
      "Name of the Deployment in the same namespace. SchemaGate owns none of its fields: its"
          + " replicas, strategy and HPA stay yours.")
  private String deployment;

  @Size(min = 1, max = 63)
  @ValidationRule(
      value = Names.DNS_LABEL_RULE,
      message = "target.container " + Names.DNS_LABEL_MESSAGE)
  @JsonPropertyDescription(
      "The app container of the Deployment's pods, whose image is the unit of release (default:"
          + " the first container).")
  private String container;

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

  public String getContainer() {
    return container;
  }

  public void setContainer(String container) {
    this.container = container;
  }
}
