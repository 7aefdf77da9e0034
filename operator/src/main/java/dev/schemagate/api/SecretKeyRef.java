package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class SecretKeyRef {
  @Required
  @Size(min = 1, max = 253)
  @ValidationRule(
      value = Names.DNS_SUBDOMAIN_RULE,
      message = "urlSecretRef.name " + Names.DNS_SUBDOMAIN_MESSAGE)
  @JsonPropertyDescription("Secret in the same namespace.")
  private String name;

  @Required
  @Size(min = 1, max = 253)
  @ValidationRule(
      value = "self.size() > 0 && self.size() <= 253 && self.matches('^[-._a-zA-Z0-9]+$')",
      message = "urlSecretRef.key must be a Secret key: letters, digits, '-', '_' and '.'")
  @JsonPropertyDescription("Key within the Secret.")
  private String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
