package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class FlywaySource {
  @Required
  @JsonPropertyDescription(
      "ConfigMap whose keys are Flyway SQL files (V1__init.sql, V2__add_x.sql, R__views.sql)."
          + " Editing it starts a new revision.")
  private ConfigMapRef configMapRef;

  @Size(max = 64)
  @ValidationRule(
      value = "self.matches('^[0-9]+([._][0-9]+)*$')",
      message = "flyway.baselineVersion must be a Flyway version such as 7 or 1.2.3")
  @JsonPropertyDescription(
      "Adopt a database another tool has migrated: when it has no Flyway history yet, record this"
          + " version as applied and run only the newer files.")
  private String baselineVersion;

  public ConfigMapRef getConfigMapRef() {
    return configMapRef;
  }

  public void setConfigMapRef(ConfigMapRef configMapRef) {
    this.configMapRef = configMapRef;
  }

  public String getBaselineVersion() {
    return baselineVersion;
  }

  public void setBaselineVersion(String baselineVersion) {
    this.baselineVersion = baselineVersion;
  }
}
