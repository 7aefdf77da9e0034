package dev.schemagate.gate;

import java.time.Instant;
import java.util.Optional;

/**
 * A pod of the target that the admission policy gated at creation: not scheduled, never run.
 *
 * @param created its creationTimestamp: held since then
 */
public record HeldPod(String name, String image, Optional<Instant> created) {

  /** A pod whose creation time does not matter: the decision needs none. */
  public HeldPod(String name, String image) {
    this(name, image, Optional.empty());
  }
}
