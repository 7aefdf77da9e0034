package dev.schemagate.reconcile;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Strategy;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.TargetDeployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What holding the wanted image means for the target, said as on-call reads it. */
record Hold(
    HoldMechanism mechanism,
    TargetDeployment target,
    String image,
    List<MigratedImage> migrated,
    int held) {

  String summary() {
    var images = migrated.stream().map(MigratedImage::getImage).toList();
    var ready = target.readyReplicas();
    if (images.contains(image)) {
      return "%d pods of %s serving (nothing held)".formatted(ready, image);
    }
    // Held pods are never Ready, so the Ready pods are of a migrated image: the newest one.
    var servingPart =
        ready == 0
            ? "no pods serving"
            : images.isEmpty()
                ? "%d pods serving".formatted(ready)
                : "%d pods of %s serving".formatted(ready, images.get(0));
    var heldPart =
        switch (mechanism) {
          case SchedulingGate -> held == 0 ? "held" : "held (%d pods gated)".formatted(held);
          case AdmissionPolicy -> "held (its pods are refused at creation)";
        };
    return "%s; %s %s".formatted(servingPart, image, heldPart);
  }

  /** What the Deployment's own settings make the hold cost, beyond holding the new image. */
  List<String> costs(SchemaMigration migration) {
    var costs = new ArrayList<String>();
    if (migration.getSpec().getStrategy() == Strategy.StopOldPods) {
      return costs;
    }
    if (TargetDeployment.RECREATE.equals(target.strategy())) {
      costs.add(
          "Deployment strategy Recreate stops all %d old pods while the new image is held"
              .formatted(target.replicas()));
    } else if (target.maxUnavailable() > 0) {
      costs.add(
          ("maxUnavailable lets %d of %d old pods stop while the new image is held (set it to 0"
                  + " to keep them all)")
              .formatted(Math.min(target.maxUnavailable(), target.replicas()), target.replicas()));
    }
    var jobDeadline =
        Optional.ofNullable(migration.getSpec().getJob())
            .orElseGet(JobSettings::new)
            .activeDeadlineSecondsOrDefault();
    if (target.progressDeadlineSeconds() < jobDeadline) {
      costs.add(
          ("progressDeadlineSeconds %d is shorter than the Job's activeDeadlineSeconds %d: the"
                  + " Deployment may report ProgressDeadlineExceeded while held")
              .formatted(target.progressDeadlineSeconds(), jobDeadline));
    }
    return costs;
  }
}
