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
  void releasesWithinOneSecondOfJobCompleteOwnsOnlyReplicasAndKubectlApplyDoesNotFight(Scenario s)
      throws InterruptedException {
    s.startOperator();
    // The user's manifest, applied as most users do: client-side kubectl apply, no replicas.
    s.kubectl(manifest(s, Scenario.APP_IMAGE, "1"), "apply", "--server-side=false", "-f", "-");
    s.putMigrations(Scenario.V1);
    s.createMigration(3);
    var job = s.awaitOnlyJob();
    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(0).equals(s.replicas()));
    var pod = s.awaitPod(job);

    var complete = new AtomicLong();
    var released = new AtomicLong();
    try (var jobs =
            s.client
                .batch()
                .v1()
                .jobs()
                .inNamespace(s.namespace)
                .withName(job.getMetadata().getName())
                .watch(firstTime(j -> Scenario.hasCondition(j, "Complete"), complete));
        var deployments =
            s.client
                .apps()
                .deployments()
                .inNamespace(s.namespace)
                .withName(APP)
                .watch(
                    firstTime(
                        d -> Integer.valueOf(3).equals(d.getSpec().getReplicas()), released))) {
      s.finishPod(pod, 0, null);
      await().atMost(Scenario.TIMEOUT).until(() -> complete.get() != 0 && released.get() != 0);
    }
    var latencyMillis = (released.get() - complete.get()) / 1_000_000;
    var completeCondition =
        s
            .client
            .batch()
            .v1()
            .jobs()
            .inNamespace(s.namespace)
            .withName(job.getMetadata().getName())
            .get()
            .getStatus()
            .getConditions()
            .stream()
            .filter(c -> "Complete".equals(c.getType()))
            .findFirst()
            .orElseThrow();
    var applied = schemagateApply(s.deployment());
    System.out.printf(
        "[release latency] Deployment spec.replicas=3 seen %d ms after the Job's Complete condition"
            + " was seen (Complete lastTransitionTime %s, schemagate Apply at %s; both to the"
            + " second)%n",
        latencyMillis, completeCondition.getLastTransitionTime(), applied.getTime());
    assertThat(latencyMillis).as("release latency in ms").isLessThan(1000);

    // SchemaGate owns spec.replicas, by Apply, and nothing else of the spec; nobody else owns
    // replicas.
    var deployment = s.deployment();
    assertThat(applied.getOperation()).isEqualTo("Apply");
    assertThat(fields(applied)).isEqualTo(Map.of("f:spec", Map.of("f:replicas", Map.of())));
    assertThat(replicaOwners(deployment)).containsExactly("schemagate/Apply");

    // The user changes the image and an annotation, and applies the manifest again, still without
    // replicas.
    s.kubectl(manifest(s, "basketball-api:1.8.1", "2"), "apply", "--server-side=false", "-f", "-");
    var afterApply = s.deployment();
    assertThat(afterApply.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("basketball-api:1.8.1");
    assertThat(afterApply.getMetadata().getAnnotations())
        .containsEntry("basketball.example/change", "2");
    assertThat(afterApply.getSpec().getReplicas()).isEqualTo(3);

    // No fight: nobody writes replicas back and forth. Wait, then look again.
    Thread.sleep(NO_FIGHT_WINDOW.toMillis());
    var later = s.deployment();
    assertThat(later.getSpec().getReplicas()).isEqualTo(3);
    assertThat(later.getMetadata().getGeneration())
        .as("no spec change after kubectl apply")
        .isEqualTo(afterApply.getMetadata().getGeneration());
    assertThat(replicaOwners(later)).containsExactly("schemagate/Apply");
    assertThat(schemagateApply(later).getTime()).isEqualTo(applied.getTime());
    assertThat(s.events("Held")).hasSize(1);
    assertThat(s.events("Released")).hasSize(1);
    assertThat(s.events("Scaled")).isEmpty();
  }

  /** The Deployment manifest a user keeps in git: no replicas. */
  static String manifest(Scenario s, String image, String change) {
    var deployment = Scenario.appDeployment(s.namespace, APP, image);
    deployment.getMetadata().setAnnotations(Map.of("basketball.example/change", change));
    return s.client.getKubernetesSerialization().asYaml(deployment);
  }

  static ManagedFieldsEntry schemagateApply(Deployment deployment) {
    return deployment.getMetadata().getManagedFields().stream()
        .filter(m -> "schemagate".equals(m.getManager()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no managedFields entry of schemagate: "
                        + deployment.getMetadata().getManagedFields()));
  }

  static Object fields(ManagedFieldsEntry entry) {
    return entry.getFieldsV1().getAdditionalProperties();
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
