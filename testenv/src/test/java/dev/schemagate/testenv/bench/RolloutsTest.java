package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.gate.PodGate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutsTest {
  private static final App APP = new App("bench-latency", "rel-000", 2);
  private static final String NEW = "bench-app:2";

  private final Rollouts rollouts = new Rollouts();

  @Test
  void aHeldPodIsReleasedWhenItIsSeenWithoutItsGate() {
    rollouts.podAdded(pod("p1", NEW, true), 10);
    rollouts.podUpdated(pod("p1", NEW, true), 20);
    rollouts.podUpdated(pod("p1", NEW, false), 30);
    rollouts.podUpdated(pod("p1", NEW, false), 40);

    assertThat(rollouts.created(APP, NEW)).isEqualTo(10);
    assertThat(rollouts.held(APP, NEW)).isEqualTo(10);
    assertThat(rollouts.released(APP, NEW)).isEqualTo(30);
  }

  @Test
  void aPodNeverSeenGatedIsCreatedButNotReleased() {
    rollouts.podAdded(pod("p1", NEW, false), 10);
    rollouts.podUpdated(pod("p1", NEW, false), 20);

    assertThat(rollouts.created(APP, NEW)).isEqualTo(10);
    assertThat(rollouts.held(APP, NEW)).isNull();
    assertThat(rollouts.released(APP, NEW)).isNull();
  }

  @Test
  void theFirstReleaseOfAnImageCountsAndOtherImagesAreApart() {
    rollouts.podAdded(pod("old", App.IMAGE, true), 1);
    rollouts.podUpdated(pod("old", App.IMAGE, false), 2);
    rollouts.podAdded(pod("p1", NEW, true), 10);
    rollouts.podAdded(pod("p2", NEW, true), 11);
    rollouts.podUpdated(pod("p2", NEW, false), 20);
    rollouts.podUpdated(pod("p1", NEW, false), 25);

    assertThat(rollouts.released(APP, App.IMAGE)).isEqualTo(2);
    assertThat(rollouts.held(APP, NEW)).isEqualTo(10);
    assertThat(rollouts.released(APP, NEW)).isEqualTo(20);
    assertThat(rollouts.released(new App("bench-latency", "rel-001"), NEW)).isNull();
  }

  @Test
  void aReplicaSetIsRefusedOnceItsReplicaFailureIsTrue() {
    rollouts.replicaSet(replicaSet(NEW, null), 5);
    assertThat(rollouts.refused(APP, NEW)).isNull();

    rollouts.replicaSet(replicaSet(NEW, "True"), 7);
    rollouts.replicaSet(replicaSet(NEW, "True"), 9);

    assertThat(rollouts.refused(APP, NEW)).isEqualTo(7);
    assertThat(rollouts.refused(APP, App.IMAGE)).isNull();
  }

  @Test
  void podsOfNoAppAreIgnored() {
    var pod = pod("p1", NEW, true);
    pod.getMetadata().setLabels(Map.of("pod-template-hash", "abc"));

    rollouts.podAdded(pod, 10);

    assertThat(rollouts.created(APP, NEW)).isNull();
  }

  private static Pod pod(String name, String image, boolean gated) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(APP.namespace())
            .withName(name)
            .withUid("uid-" + name)
            .withLabels(Map.of(App.NAME_LABEL, APP.name(), "pod-template-hash", "abc"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(App.CONTAINER)
            .withImage(image)
            .endContainer()
            .endSpec();
    if (gated) {
      builder
          .editSpec()
          .addNewSchedulingGate()
          .withName(PodGate.GATE)
          .endSchedulingGate()
          .endSpec();
    }
    return builder.build();
  }

  private static ReplicaSet replicaSet(String image, String replicaFailure) {
    var builder =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withNamespace(APP.namespace())
            .withName(APP.name() + "-abc")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of(App.NAME_LABEL, APP.name()))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(App.CONTAINER)
            .withImage(image)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .endStatus();
    if (replicaFailure != null) {
      builder
          .editStatus()
          .addNewCondition()
          .withType("ReplicaFailure")
          .withStatus(replicaFailure)
          .withReason("FailedCreate")
          .endCondition()
          .endStatus();
    }
    return builder.build();
  }
}
