package dev.schemagate.testenv.node;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status the kubelet would report for a pod whose containers are in these slots: phase by the
 * kubelet's rules (getPhase), conditions, IPs and container statuses. Pure. Init containers are not
 * run by the local node, so Initialized is always True.
 */
final class PodStatuses {
  private PodStatuses() {}

  /**
   * @param terminal the pod is being deleted and all its containers have stopped
   * @param previous the status last reported, whose condition transition times carry over
   */
  static PodStatus of(
      Pod pod, List<ContainerSlot> slots, Instant startTime, boolean terminal, PodStatus previous) {
    var phase =
        phase(
            pod.getSpec().getRestartPolicy(),
            slots,
            terminal,
            previous == null ? null : previous.getPhase());
    var unready = slots.stream().filter(s -> !s.isReady()).map(s -> s.spec.getName()).toList();
    PodCondition ready;
    if ("Succeeded".equals(phase)) {
      ready = condition("Ready", "False", "PodCompleted", null);
    } else if (unready.isEmpty()) {
      ready = condition("Ready", "True", null, null);
    } else {
      ready =
          condition(
              "Ready",
              "False",
              "ContainersNotReady",
              "containers with unready status: [" + String.join(" ", unready) + "]");
    }
    var containersReady = new PodConditionBuilder(ready).withType("ContainersReady").build();
    // Before the first report the status is the scheduler's: PodScheduled keeps its time.
    var since = previous != null ? previous : pod.getStatus();
    var conditions = new ArrayList<PodCondition>();
    for (var c :
        List.of(
            condition("PodScheduled", "True", null, null),
            condition("Initialized", "True", null, null),
            containersReady,
            ready)) {
      conditions.add(keepTransitionTime(c, since));
    }
    List<ContainerStatus> containers = slots.stream().map(ContainerSlot::status).toList();
    return new PodStatusBuilder()
        .withPhase(phase)
        .withConditions(conditions)
        .withHostIP(LocalNode.IP)
        .withHostIPs(new HostIP(LocalNode.IP))
        .withPodIP(LocalNode.IP)
        .withPodIPs(new PodIP(LocalNode.IP))
        .withStartTime(LocalNode.time(startTime))
        .withContainerStatuses(containers)
        .build();
  }

  /** The kubelet's getPhase, without init containers; a terminal phase never changes. */
  static String phase(
      String restartPolicy, List<ContainerSlot> slots, boolean terminal, String previous) {
    if ("Succeeded".equals(previous) || "Failed".equals(previous)) {
      return previous;
    }
    int running = 0, waiting = 0, stopped = 0, succeeded = 0;
    for (var slot : slots) {
      var last = slot.lastTermination();
      if (slot.running()) {
        running++;
      } else if (last == null) {
        waiting++;
      } else {
        stopped++;
        // A container waiting to restart counts as stopped, but not as succeeded.
        if (slot.waitingReason() == null && last.getExitCode() == 0) {
          succeeded++;
        }
      }
    }
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (terminal) {
      return stopped == succeeded ? "Succeeded" : "Failed";
    }
    if ("Always".equals(restartPolicy)) {
      return "Running";
    }
    if (stopped == succeeded) {
      return "Succeeded";
    }
    return "Never".equals(restartPolicy) ? "Failed" : "Running";
  }

  private static PodCondition condition(String type, String status, String reason, String message) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  private static PodCondition keepTransitionTime(PodCondition c, PodStatus previous) {
    var since =
        previous == null || previous.getConditions() == null
            ? null
            : previous.getConditions().stream()
                .filter(p -> p.getType().equals(c.getType()) && p.getStatus().equals(c.getStatus()))
                .map(PodCondition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    return new PodConditionBuilder(c)
        .withLastTransitionTime(since != null ? since : LocalNode.time(Instant.now()))
        .build();
  }
}
