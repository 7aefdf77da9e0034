package dev.schemagate.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Why a migration pod has not started, as the scheduler or the kubelet says it: PodScheduled=False
 * (Unschedulable, with the scheduler's message), or a container waiting for a reason other than
 * starting (CreateContainerConfigError for a missing Secret, ConfigMap or key, ErrImagePull,
 * ImagePullBackOff), an init container's (a native sidecar's) included; or why the Job controller
 * cannot create it at all ({@link FailedCreate}: {@code pod} is null).
 */
public record PodProblem(String pod, String reason, String message) {
  /** Waiting reasons that say nothing beyond "starting". */
  static final Set<String> ORDINARY_WAITING = Set.of("ContainerCreating", "PodInitializing");

  /**
   * Reasons that go away only when someone changes something (a Secret, a key, an image name): the
   * kubelet retries them, but waiting for the Job's deadline tells nobody anything more.
   */
  static final Set<String> CONFIGURATION =
      Set.of(
          "CreateContainerConfigError",
          "InvalidImageName",
          "ErrImageNeverPull",
          // A quota, a LimitRange or Pod Security admission refusing the pod is namespace policy
          // that changes only when someone changes it; and during a held rollout the held pods of
          // the new version keep their share of a quota, so waiting rarely frees it. The Job
          // controller retries on its own, and the pod starts once it can.
          FailedCreate.REASON);

  /** The first problem among the pods. */
  static Optional<PodProblem> of(List<Pod> pods) {
    return pods.stream().flatMap(PodProblem::of).findFirst();
  }

  private static Stream<PodProblem> of(Pod pod) {
    var name = pod.getMetadata().getName();
    var status = pod.getStatus();
    if (status == null) {
      return Stream.empty();
    }
    var unschedulable =
        Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
            .filter(
                c ->
                    "PodScheduled".equals(c.getType())
                        && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()))
            .map(c -> new PodProblem(name, c.getReason(), c.getMessage()));
    var waiting =
        Stream.concat(
                Optional.ofNullable(status.getInitContainerStatuses()).orElse(List.of()).stream(),
                Optional.ofNullable(status.getContainerStatuses()).orElse(List.of()).stream())
            .map(ContainerStatus::getState)
            .filter(s -> s != null && s.getWaiting() != null)
            .map(s -> s.getWaiting())
            .filter(w -> w.getReason() != null && !ORDINARY_WAITING.contains(w.getReason()))
            .map(w -> new PodProblem(name, w.getReason(), w.getMessage()));
    return Stream.concat(unschedulable, waiting);
  }

  /** Whether it will last until someone fixes the spec, a Secret or a ConfigMap. */
  public boolean configuration() {
    return configuration(reason);
  }

  /** Whether a problem of this reason lasts until someone fixes something. */
  public static boolean configuration(String reason) {
    return CONFIGURATION.contains(reason);
  }

  /** What the kubelet or scheduler said: its message, else the reason. */
  public String cause() {
    return message == null || message.isBlank() ? reason : JobOutcome.printable(message.strip());
  }

  /**
   * As the Reconciling message has it: {@code pod NAME: REASON: MESSAGE}, or {@code cannot create
   * its pod: REASON: MESSAGE}.
   */
  public String describe() {
    return (pod == null ? "cannot create its pod" : "pod " + pod)
        + ": "
        + (cause().equals(reason) ? reason : reason + ": " + cause());
  }
}
