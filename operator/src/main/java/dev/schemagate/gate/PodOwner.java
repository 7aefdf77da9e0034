package dev.schemagate.gate;

import dev.schemagate.job.MigrationJob;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which of the target's workloads a pod belongs to, read from its owner reference as the chart's
 * admission policies read it (the two must agree, or a pod held by one is not known to the other):
 * a Deployment's pod is owned by its ReplicaSet {@code <deployment>-<pod-template-hash>}, a
 * StatefulSet's and a Job's by them, and a CronJob's by a Job {@code <cronjob>-<digits>} (the
 * CronJob controller names its Jobs after the scheduled time in minutes). Pure.
 */
public final class PodOwner {
  static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private PodOwner() {}

  public static Optional<WorkloadRef> of(Pod pod, List<WorkloadRef> workloads) {
    var labels =
        Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.<String, String>of());
    if (labels.containsKey(MigrationJob.REVISION_LABEL)) {
      // Our own migration pod: its Job <migration>-<revision> reads as a CronJob's run when the
      // revision is all digits and the migration is named after a gated CronJob. The chart's job
      // policies leave these pods out by the same label.
      return Optional.empty();
    }
    var owners =
        Objects.requireNonNullElse(
            pod.getMetadata().getOwnerReferences(), List.<OwnerReference>of());
    return owners.stream()
        .flatMap(
            owner ->
                workloads.stream().filter(w -> owns(w, owner.getKind(), owner.getName(), labels)))
        .findFirst();
  }

  static boolean owns(WorkloadRef w, String kind, String name, Map<String, String> labels) {
    if (name == null || kind == null) {
      return false;
    }
    return switch (w.kind()) {
      case Deployment ->
          kind.equals("ReplicaSet")
              && labels.containsKey(POD_TEMPLATE_HASH)
              && name.equals(w.name() + "-" + labels.get(POD_TEMPLATE_HASH));
      case StatefulSet -> kind.equals("StatefulSet") && name.equals(w.name());
      case Job -> kind.equals("Job") && name.equals(w.name());
      case CronJob ->
          kind.equals("Job")
              && name.startsWith(w.name() + "-")
              && isDigits(name.substring(w.name().length() + 1));
    };
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
