package dev.schemagate.reconcile;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Strategy;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What holding the wanted image means for the target's workloads, said as on-call reads it.
 *
 * @param held the pods that stay held, each with its workload where known
 */
record Hold(
    HoldMechanism mechanism,
    List<TargetWorkload> workloads,
    String image,
    List<MigratedImage> migrated,
    List<HeldPod> held) {

  /**
   * One Deployment: {@code 3 pods of 1.7 serving; 1.8 held (2 pods gated)}. Several workloads: one
   * part each, {@code web: 3 of 1.7 serving, 1.8 held (2 pods gated); worker: ...}, images by tag
   * when they share the wanted one's repository, so that it fits the message's first line.
   */
  String summary() {
    if (workloads.size() == 1 && workloads.get(0).kind() == WorkloadKind.Deployment) {
      return oneDeployment(workloads.get(0));
    }
    var parts = new ArrayList<String>();
    for (var w : workloads) {
      parts.add(w.name() + ": " + part(w));
    }
    return String.join("; ", parts);
  }

  private String oneDeployment(TargetWorkload target) {
    var images = migratedImages();
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
    return "%s; %s %s".formatted(servingPart, image, heldPart(held.size()));
  }

  private String part(TargetWorkload w) {
    var images = migratedImages();
    var template = w.image().orElse("");
    var serving =
        switch (w.kind()) {
          case Deployment, StatefulSet ->
              w.readyReplicas() == 0
                  ? "none serving"
                  : "%d of %s serving"
                      .formatted(
                          w.readyReplicas(),
                          images.contains(template) || images.isEmpty()
                              ? brief(template)
                              : brief(images.get(0)));
          case CronJob, Job -> "runs " + brief(template);
        };
    if (images.contains(template)) {
      return serving;
    }
    var heldHere = held.stream().filter(p -> p.workload().equals(Optional.of(w.ref()))).count();
    var what = template.equals(image) ? heldPart((int) heldHere) : "held, waiting its turn";
    return w.kind() == WorkloadKind.CronJob || w.kind() == WorkloadKind.Job
        ? brief(template) + " " + what
        : serving + ", " + brief(template) + " " + what;
  }

  private String heldPart(int count) {
    return switch (mechanism) {
      case SchedulingGate -> count == 0 ? "held" : "held (%d pods gated)".formatted(count);
      case AdmissionPolicy -> "held (its pods are refused at creation)";
    };
  }

  /** The images of the target not migrated and not wanted now: they wait for this one. */
  Optional<String> waiting() {
    var images = migratedImages();
    var waiting = new LinkedHashSet<String>();
    workloads.stream()
        .map(w -> w.image().orElse(""))
        .filter(i -> !i.equals(image) && !images.contains(i))
        .forEach(waiting::add);
    return waiting.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "image %s waits for this migration to end; its own migration runs next"
                .formatted(String.join(", ", waiting)));
  }

  /** What the workloads' own settings make the hold cost, beyond holding the new image. */
  List<String> costs(SchemaMigration migration) {
    var costs = new ArrayList<String>();
    if (migration.getSpec().getStrategy() == Strategy.StopOldPods) {
      return costs;
    }
    var several = workloads.size() > 1;
    for (var w : workloads) {
      if (!w.image().orElse("").equals(image)) {
        continue;
      }
      w.holdCost().ifPresent(costs::add);
      w.deployment()
          .ifPresent(
              d ->
                  deploymentCosts(d, migration)
                      .forEach(c -> costs.add(several ? "Deployment " + d.name() + ": " + c : c)));
    }
    return costs;
  }

  private static List<String> deploymentCosts(TargetDeployment target, SchemaMigration migration) {
    var costs = new ArrayList<String>();
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

  private List<String> migratedImages() {
    return migrated.stream().map(MigratedImage::getImage).toList();
  }

  /** The tag alone when the image is of the wanted image's repository: 1.8 for repo:1.8. */
  private String brief(String other) {
    var colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/') && other.startsWith(image.substring(0, colon + 1))) {
      return other.substring(colon + 1);
    }
    return other;
  }
}
