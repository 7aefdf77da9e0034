package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
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
      "Name of the Deployment in the same namespace. Leave replicas out of its manifest.")
  private String deployment;

  @Default("1")
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("Replicas of the Deployment once the migration has succeeded.")
  private Integer replicas = 1;

  public String getDeployment() {
    return deployment;
  }

  public void setDeployment(String deployment) {
    this.deployment = deployment;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }
}
