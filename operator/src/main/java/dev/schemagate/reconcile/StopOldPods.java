package dev.schemagate.reconcile;

import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.Strategy;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.reconcile.Plan.Event;
import dev.schemagate.reconcile.Plan.Scale;
import java.util.Optional;

/**
 * strategy StopOldPods: scale to 0 while the wanted image is not migrated, remembering the replicas
 * in status, and back once it is. (Either strategy holds the new image's pods.) It scales the
 * target's first Deployment (spec.target.deployment, else the first of spec.target.workloads):
 * status keeps one replica count; the other workloads are held, not stopped.
 *
 * @param scale the Deployment's new spec.replicas, if it changes
 * @param stoppedReplicas the replicas to restore, for status
 */
record StopOldPods(Optional<Scale> scale, Integer stoppedReplicas) {

  /** No scaling: the replicas to restore stay as status has them. */
  static StopOldPods unchanged(SchemaMigrationStatus previous) {
    return new StopOldPods(Optional.empty(), previous.getStoppedReplicas());
  }

  static StopOldPods of(Facts facts) {
    // The old version serves on while the new revision is only rehearsed, not migrated.
    if (facts.rehearsing.holdsProduction()) {
      return unchanged(facts.previous);
    }
    return facts.workloads.stream()
        .flatMap(w -> w.deployment().stream())
        .findFirst()
        .map(
            target ->
                of(
                    facts.migration,
                    target,
                    facts.done,
                    facts.wanted.image(),
                    facts.previous.getStoppedReplicas()))
        .orElseGet(() -> unchanged(facts.previous));
  }

  private static StopOldPods of(
      SchemaMigration migration,
      TargetDeployment target,
      boolean done,
      String image,
      Integer stopped) {
    if (!done && migration.getSpec().getStrategy() == Strategy.StopOldPods) {
      if (target.replicas() == 0) {
        return new StopOldPods(Optional.empty(), stopped);
      }
      return new StopOldPods(
          Optional.of(
              new Scale(
                  target.name(),
                  0,
                  Event.normal(
                      Reasons.HELD,
                      ("Scaled Deployment %s from %d to 0 replicas until image %s is migrated"
                              + " (strategy StopOldPods)")
                          .formatted(target.name(), target.replicas(), image)))),
          stopped == null ? target.replicas() : stopped);
    }
    if (done && stopped != null) {
      return new StopOldPods(
          target.replicas() == stopped
              ? Optional.empty()
              : Optional.of(
                  new Scale(
                      target.name(),
                      stopped,
                      Event.normal(
                          Reasons.RELEASED,
                          "Scaled Deployment %s back to %d replicas: image %s is migrated"
                              .formatted(target.name(), stopped, image)))),
          null);
    }
    return new StopOldPods(Optional.empty(), stopped);
  }
}
