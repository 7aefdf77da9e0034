package dev.schemagate.gate;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * strategy StopOldPods: scales the target Deployment to 0 while migrating and back afterwards, by
 * server-side apply of spec.replicas alone. With the default HoldNewPods SchemaGate owns no field
 * of the Deployment.
 */
public final class DeploymentGate {
  public static final String FIELD_MANAGER = "schemagate";

  private final KubernetesClient client;

  public DeploymentGate(KubernetesClient client) {
    this.client = client;
  }

  /** The apply configuration: identity and spec.replicas, nothing else. */
  public static Deployment replicasPatch(String namespace, String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  public void scale(String namespace, String name, int replicas) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(replicasPatch(namespace, name, replicas))
        .fieldManager(FIELD_MANAGER)
        // The Deployment's creator owned replicas (it defaults to 1); take it over.
        .forceConflicts()
        .serverSideApply();
  }
}
