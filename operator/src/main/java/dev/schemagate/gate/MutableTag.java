package dev.schemagate.gate;

import java.util.Optional;

/**
 * An image reference whose content can change under the same name: no digest, and the tag {@code
 * latest} or none (which means {@code latest}). SchemaGate's unit of release is the image
 * reference: a re-push under it is never migrated. Pure.
 */
public final class MutableTag {
  private MutableTag() {}

  /** What to tell about {@code image}, if it is mutable. */
  public static Optional<String> warning(String image) {
    if (image == null || image.contains("@")) {
      return Optional.empty();
    }
    var name = image.substring(image.lastIndexOf('/') + 1);
    var colon = name.indexOf(':');
    var tag = colon < 0 ? null : name.substring(colon + 1);
    if (tag != null && !tag.equals("latest")) {
      return Optional.empty();
    }
    return Optional.of(
        ("image %s has %s: a new image pushed under it is not a new release and is never"
                + " migrated; pin the Deployment's image by digest (image@sha256:...)")
            .formatted(
                image, tag == null ? "no tag (latest) and no digest" : "tag latest and no digest"));
  }
}
