package dev.schemagate.gate;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the gate needs of the target Deployment, read from it as plain data.
 *
 * @param image the app container's image in the pod template; empty when no container has the name
 *     the SchemaMigration gives
 * @param containers the template's container names, for a message when {@code image} is empty
 * @param maxUnavailable the rolling update's maxUnavailable resolved against replicas (rounded
 *     down, as the Deployment controller does); all replicas for Recreate
 * @param replicaFailure the lastTransitionTime of a ReplicaFailure=True condition: a pod create was
 *     refused (by the admission policy while the image was held)
 */
public record TargetDeployment(
    String name,
    Optional<String> image,
    List<String> containers,
    int replicas,
    int readyReplicas,
    String strategy,
    int maxUnavailable,
    int progressDeadlineSeconds,
    Optional<String> replicaFailure) {
  static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
  public static final String RECREATE = "Recreate";

  /** {@code container} as spec.target.container names it; null means the first container. */
  public static TargetDeployment of(Deployment deployment, String container) {
    var spec = deployment.getSpec();
    var podSpec = spec.getTemplate().getSpec();
    var containers = podSpec.getContainers().stream().map(Container::getName).toList();
    var replicas = Objects.requireNonNullElse(spec.getReplicas(), 1);
    var strategy =
        spec.getStrategy() == null || spec.getStrategy().getType() == null
            ? "RollingUpdate"
            : spec.getStrategy().getType();
    var status = deployment.getStatus();
    return new TargetDeployment(
        deployment.getMetadata().getName(),
        appImage(podSpec.getContainers(), container),
        containers,
        replicas,
        status == null ? 0 : Objects.requireNonNullElse(status.getReadyReplicas(), 0),
        strategy,
        RECREATE.equals(strategy) ? replicas : maxUnavailable(deployment, replicas),
        Objects.requireNonNullElse(
            spec.getProgressDeadlineSeconds(), DEFAULT_PROGRESS_DEADLINE_SECONDS),
        status == null || status.getConditions() == null
            ? Optional.empty()
            : status.getConditions().stream()
                .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()))
                .map(c -> Objects.requireNonNullElse(c.getLastTransitionTime(), "unknown"))
                .findFirst());
  }

  /** The app container's image in a pod spec's containers; the first one by default. */
  public static Optional<String> appImage(List<Container> containers, String container) {
    return containers.stream()
        .filter(c -> container == null || container.equals(c.getName()))
        .map(Container::getImage)
        .filter(Objects::nonNull)
        .findFirst();
  }

  private static int maxUnavailable(Deployment deployment, int replicas) {
    var rolling =
        deployment.getSpec().getStrategy() == null
            ? null
            : deployment.getSpec().getStrategy().getRollingUpdate();
    var value =
        rolling == null || rolling.getMaxUnavailable() == null
            ? new IntOrString("25%")
            : rolling.getMaxUnavailable();
    return resolve(value, replicas);
  }

  /** As the Deployment controller reads maxUnavailable: a percentage of replicas, rounded down. */
  static int resolve(IntOrString value, int replicas) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    var text = value.getStrVal();
    if (text == null || !text.endsWith("%")) {
      return 0;
    }
    var percent = Integer.parseInt(text.substring(0, text.length() - 1));
    return percent * replicas / 100;
  }
}
