package dev.schemagate.testenv;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Plays the kubelet for a pod that ran to its end: writes, through pods/status, the phase and each
 * container's terminated state (exit code, reason, termination message). On a control plane without
 * nodes this is what lets the real Job controller see a migration pod succeed or fail.
 */
public final class PodTermination {
  private static final int MAX_ATTEMPTS = 5;

  private PodTermination() {}

  /**
   * The pod's containers exited with this code; a non-null {@code message} is what they wrote to
   * their termination log. Containers' names and images come from the pod's spec, as a kubelet
   * reports them.
   */
  public static Pod write(KubernetesClient client, Pod pod, int exitCode, String message) {
    var now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var statuses =
        pod.getSpec().getContainers().stream()
            .map(c -> terminated(c.getName(), c.getImage(), exitCode, message, now))
            .toList();
    var resource =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName());
    // editStatus reads the pod and writes it back at that resourceVersion; kube-scheduler updating
    // the pod (PodScheduled=False: no node) in between makes the write a conflict: read again.
    for (int attempt = 1; ; attempt++) {
      try {
        return resource.editStatus(
            p -> {
              p.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
              p.getStatus().setContainerStatuses(List.copyOf(statuses));
              return p;
            });
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static ContainerStatus terminated(
      String name, String image, int exitCode, String message, String at) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage(image)
        .withImageID("")
        .withReady(false)
        .withRestartCount(0)
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(exitCode == 0 ? "Completed" : "Error")
        .withMessage(message)
        .withStartedAt(at)
        .withFinishedAt(at)
        .endTerminated()
        .endState()
        .build();
  }
}
