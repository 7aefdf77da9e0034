package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** An image whose migration has succeeded: its pods are admitted. */
public class MigratedImage {
  @JsonPropertyDescription("The app container's image.")
  private String image;

  @JsonPropertyDescription("The revision whose Job migrated it.")
  private String revision;

  public MigratedImage() {}

  public MigratedImage(String image, String revision) {
    this.image = image;
    this.revision = revision;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MigratedImage m
        && Objects.equals(image, m.image)
        && Objects.equals(revision, m.revision);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, revision);
  }

  @Override
  public String toString() {
    return image + "@" + revision;
  }
}
