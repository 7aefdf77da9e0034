package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Release: how fast it follows the Job's success, that SchemaGate owns spec.replicas and only that
 * by server-side apply, and that a user's `kubectl apply` of a manifest without replicas leaves it
 * be.
 */
@ExtendWith(Scenario.PerTest.class)
class ReleaseIT {
  static final Duration NO_FIGHT_WINDOW = Duration.ofSeconds(4);

  @Test
  void releasesHeldPodsWithinOneSecondOfTheMigrationPodsSuccessAndOwnsNoDeploymentField(Scenario s)
      throws InterruptedException {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    // The user's manifest, applied as most users do: client-side kubectl apply, replicas in it.
    s.kubectl(manifest(s, Scenario.APP_IMAGE, "1"), "apply", "--server-side=false", "-f", "-");
    var job = s.awaitOnlyJob();
    var held = s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    var pod = s.awaitPod(job);

    var succeeded = new AtomicLong();
    var released = new AtomicLong();
    try (var migrationPod =
            s.client
                .pods()
                .inNamespace(s.namespace)
                .withName(pod.getMetadata().getName())
                .watch(firstTime(p -> "Succeeded".equals(p.getStatus().getPhase()), succeeded));
        var appPod =
            s.client
                .pods()
                .inNamespace(s.namespace)
                .withName(held.get(0).getMetadata().getName())
                .watch(firstTime(p -> !Scenario.gated(p), released))) {
      s.finishPod(pod, 0, null);
      await().atMost(Scenario.TIMEOUT).until(() -> succeeded.get() != 0 && released.get() != 0);
    }
    var latencyMillis = (released.get() - succeeded.get()) / 1_000_000;
    System.out.printf(
        "[release latency] held pod ungated %d ms after the migration pod was seen Succeeded%n",
        latencyMillis);
    assertThat(latencyMillis).as("release latency in ms").isLessThan(1000);
    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");

    // SchemaGate owns no field of the Deployment: replicas stay the user's.
    var deployment = s.deployment();
    assertThat(deployment.getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager)
        .doesNotContain("schemagate");
    assertThat(replicaOwners(deployment)).containsExactly("kubectl-client-side-apply/Update");

    // The user scales in git and applies again: nobody writes replicas back.
    s.kubectl(manifest(s, Scenario.APP_IMAGE, "2", 3), "apply", "--server-side=false", "-f", "-");
    var afterApply = s.deployment();
    assertThat(afterApply.getSpec().getReplicas()).isEqualTo(3);
    // Held through the whole window, looked at all along it: nobody writes the spec back.
    await()
        .during(NO_FIGHT_WINDOW)
        .atMost(NO_FIGHT_WINDOW.plusSeconds(5))
        .untilAsserted(
            () -> {
              var later = s.deployment();
              assertThat(later.getSpec().getReplicas()).isEqualTo(3);
              assertThat(later.getMetadata().getGeneration())
                  .as("no spec change after kubectl apply")
                  .isEqualTo(afterApply.getMetadata().getGeneration());
            });
    // The new replica is of a migrated image: admitted ungated.
    s.awaitReleased(Scenario.APP_IMAGE, 3);
    // The release that follows the migration is told by its one Event.
    assertThat(s.events("Migrated"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("; released "));
    assertThat(s.events("Released")).isEmpty();
  }

  /** The Deployment manifest a user keeps in git. */
  static String manifest(Scenario s, String image, String change) {
    return manifest(s, image, change, Scenario.APP_REPLICAS);
  }

  static String manifest(Scenario s, String image, String change, int replicas) {
    var deployment = Scenario.appDeployment(s.namespace, APP, image, replicas);
    deployment.getMetadata().setAnnotations(Map.of("basketball.example/change", change));
    return s.client.getKubernetesSerialization().asYaml(deployment);
  }

  /** "manager/operation" of every managedFields entry that owns spec.replicas. */
  @SuppressWarnings("unchecked")
  static List<String> replicaOwners(Deployment deployment) {
    return deployment.getMetadata().getManagedFields().stream()
        .filter(
            m ->
                m.getFieldsV1() != null
                    && m.getFieldsV1().getAdditionalProperties().get("f:spec")
                        instanceof Map<?, ?> spec
                    && spec.containsKey("f:replicas"))
        .map(m -> m.getManager() + "/" + m.getOperation())
        .toList();
  }

  /**
   * A watcher that records System.nanoTime() the first time it sees the resource in the wanted
   * state.
   */
  static <T> Watcher<T> firstTime(Predicate<T> wanted, AtomicLong at) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action != Action.DELETED && Objects.nonNull(resource) && wanted.test(resource)) {
          at.compareAndSet(0, System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }
}
