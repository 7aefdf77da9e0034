package dev.schemagate.testenv;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;

/**
 * The app Deployments the tests and the bench make: pods labelled app.kubernetes.io/name=<name>,
 * rolling with maxUnavailable 0 and maxSurge 1, so that holding a new image costs no old pod.
 */
public final class AppDeployment {
  public static final String NAME_LABEL = "app.kubernetes.io/name";

  private AppDeployment() {}

  public static Deployment of(String namespace, String name, int replicas, Container app) {
    return of(namespace, name, replicas, new PodSpecBuilder().withContainers(app).build());
  }

  public static Deployment of(String namespace, String name, int replicas, PodSpec pod) {
    var labels = Map.of(NAME_LABEL, name);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }
}
