package dev.schemagate.gate;

import java.time.Instant;
import java.util.Optional;

/**
 * A pod of the target that the admission policy gated at creation: not scheduled, never run.
 *
 * @param created its creationTimestamp: held since then
 * @param workload the target's workload it belongs to ({@link PodOwner}); empty when none of them
 */
public record HeldPod(
    String name, String image, Optional<Instant> created, Optional<WorkloadRef> workload) {

  public HeldPod(String name, String image, Optional<Instant> created) {
    this(name, image, created, Optional.empty());
  }

  /** A pod whose creation time does not matter: the decision needs none. */
  public HeldPod(String name, String image) {
    this(name, image, Optional.empty());
  }

  /** A pod of this workload. */
  public HeldPod(String name, String image, WorkloadRef workload) {
    this(name, image, Optional.empty(), Optional.of(workload));
  }
}
