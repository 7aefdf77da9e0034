package dev.schemagate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

class TargetDeploymentTest {
  static DeploymentBuilder deployment(Integer replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("api")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("sidecar")
        .withImage("proxy:1")
        .endContainer()
        .addNewContainer()
        .withName("api")
        .withImage("api:1.8")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec();
  }

  static Deployment rolling(int replicas, IntOrString maxUnavailable) {
    return deployment(replicas)
        .editSpec()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(maxUnavailable)
        .endRollingUpdate()
        .endStrategy()
        .endSpec()
        .build();
  }

  @Test
  void theAppImageIsTheNamedContainersOrTheFirst() {
    var d = deployment(2).build();
    assertThat(TargetDeployment.of(d, "api").image()).contains("api:1.8");
    assertThat(TargetDeployment.of(d, null).image()).contains("proxy:1");
    var missing = TargetDeployment.of(d, "web");
    assertThat(missing.image()).isEmpty();
    assertThat(missing.containers()).containsExactly("sidecar", "api");
  }

  @Test
  void maxUnavailableRoundsDownAsTheDeploymentControllerDoes() {
    // The default 25% of 1..3 replicas is 0: a small Deployment loses no pod during a hold.
    assertThat(TargetDeployment.of(deployment(3).build(), null).maxUnavailable()).isZero();
    assertThat(TargetDeployment.of(deployment(4).build(), null).maxUnavailable()).isEqualTo(1);
    assertThat(TargetDeployment.of(rolling(10, new IntOrString("33%")), null).maxUnavailable())
        .isEqualTo(3);
    assertThat(TargetDeployment.of(rolling(10, new IntOrString(2)), null).maxUnavailable())
        .isEqualTo(2);
    assertThat(TargetDeployment.of(deployment(null).build(), null).replicas()).isEqualTo(1);
  }

  @Test
  void recreateLosesEveryReplica() {
    var d =
        deployment(5)
            .editSpec()
            .withNewStrategy()
            .withType("Recreate")
            .endStrategy()
            .endSpec()
            .build();
    var target = TargetDeployment.of(d, null);
    assertThat(target.strategy()).isEqualTo(TargetDeployment.RECREATE);
    assertThat(target.maxUnavailable()).isEqualTo(5);
    assertThat(target.progressDeadlineSeconds()).isEqualTo(600);
  }

  @Test
  void aRefusedCreateIsReadFromTheReplicaFailureCondition() {
    var d =
        deployment(3)
            .withNewStatus()
            .withReadyReplicas(3)
            .addNewCondition()
            .withType("ReplicaFailure")
            .withStatus("True")
            .withReason("FailedCreate")
            .withLastTransitionTime("2026-11-24T09:01:00Z")
            .endCondition()
            .endStatus()
            .build();
    var target = TargetDeployment.of(d, "api");
    assertThat(target.replicaFailure()).contains("2026-11-24T09:01:00Z");
    assertThat(target.readyReplicas()).isEqualTo(3);
    assertThat(TargetDeployment.of(deployment(3).build(), "api").replicaFailure()).isEmpty();
  }
}
