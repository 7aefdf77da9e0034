package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class Database {
  @Required
  @JsonPropertyDescription(
      "Secret key holding the URL: postgresql://user:password@host:5432/db or jdbc:postgresql://..."
          + " It reaches the Job's pod as the DATABASE_URL environment variable.")
  private SecretKeyRef urlSecretRef;

  public SecretKeyRef getUrlSecretRef() {
    return urlSecretRef;
  }

  public void setUrlSecretRef(SecretKeyRef urlSecretRef) {
    this.urlSecretRef = urlSecretRef;
  }
}
