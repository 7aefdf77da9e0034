package dev.schemagate.gate;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Releases held pods. The chart's MutatingAdmissionPolicy gives each pod of an unmigrated image the
 * scheduling gate {@link #GATE} and the label {@link #HELD_BY} at creation; releasing removes both
 * in one patch (server-side apply cannot remove a gate that admission added). Where no such policy
 * is served, the ValidatingAdmissionPolicy refuses those pods instead, and the ReplicaSet
 * controller retries with a back-off of up to 1000 s: a nudge makes it try again at once.
 */
public final class PodGate {
  public static final String GATE = "schemagate.dev/migration";
  public static final String HELD_BY = "schemagate.dev/held-by";
  static final String NUDGE_ANNOTATION = "schemagate.dev/released";

  private static final String RELEASE_PATCH =
      """
      {"metadata":{"labels":{"%s":null}},"spec":{"schedulingGates":[{"$patch":"delete","name":"%s"}]}}\
      """
          .formatted(HELD_BY, GATE);

  private final KubernetesClient client;

  public PodGate(KubernetesClient client) {
    this.client = client;
  }

  /** A pod already gone (deleted by its ReplicaSet in a rollback, say) needs no release. */
  public void release(String namespace, String pod) {
    try {
      // Through resource(): a patch of withName() first GETs the pod, a request per release.
      client
          .pods()
          .inNamespace(namespace)
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(pod)
                  .withNamespace(namespace)
                  .endMetadata()
                  .build())
          .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), RELEASE_PATCH);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }

  /** Deletes a pod that should have been held; its ReplicaSet replaces it, held this time. */
  public void evict(String namespace, String pod) {
    client.pods().inNamespace(namespace).withName(pod).delete();
  }

  /**
   * A pod of {@code image} that runs though it should be held: no gate, not terminating, not Ready.
   * A Ready one serves (an app adopting SchemaGate): it is left alone.
   */
  public static boolean stray(Pod pod, String container, String image) {
    var status = pod.getStatus();
    var ready =
        status != null
            && status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return pod.getMetadata().getDeletionTimestamp() == null
        && !ready
        && pod.getSpec().getSchedulingGates().stream().noneMatch(g -> GATE.equals(g.getName()))
        && TargetDeployment.appImage(pod.getSpec().getContainers(), container)
            .filter(image::equals)
            .isPresent();
  }

  /**
   * Makes the Deployment's ReplicaSets of the released images sync now, once per refusal ({@code
   * token}): an update of a ReplicaSet enqueues it at once, skipping the controller's back-off.
   */
  public void nudge(Deployment deployment, String container, Set<String> images, String token) {
    var selector = deployment.getSpec().getSelector().getMatchLabels();
    for (var rs :
        client
            .apps()
            .replicaSets()
            .inNamespace(deployment.getMetadata().getNamespace())
            .withLabels(selector)
            .list()
            .getItems()) {
      if (ownedBy(rs, deployment)
          && TargetDeployment.appImage(
                  rs.getSpec().getTemplate().getSpec().getContainers(), container)
              .filter(images::contains)
              .isPresent()
          && !token.equals(annotations(rs).get(NUDGE_ANNOTATION))) {
        client
            .apps()
            .replicaSets()
            .inNamespace(rs.getMetadata().getNamespace())
            .resource(rs) // as listed: no GET before the patch
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"%s\":\"%s\"}}}"
                    .formatted(NUDGE_ANNOTATION, token));
      }
    }
  }

  private static boolean ownedBy(ReplicaSet rs, Deployment deployment) {
    return rs.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> Objects.equals(o.getUid(), deployment.getMetadata().getUid()));
  }

  private static Map<String, String> annotations(ReplicaSet rs) {
    return Objects.requireNonNullElse(rs.getMetadata().getAnnotations(), Map.of());
  }
}
