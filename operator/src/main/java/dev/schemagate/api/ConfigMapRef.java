package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class ConfigMapRef {
  @Required
  @Size(min = 1, max = 253)
  @ValidationRule(
      value = Names.DNS_SUBDOMAIN_RULE,
      message = "configMapRef.name " + Names.DNS_SUBDOMAIN_MESSAGE)
  @JsonPropertyDescription("ConfigMap in the same namespace.")
  private String name;

  public ConfigMapRef() {}

  public ConfigMapRef(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
