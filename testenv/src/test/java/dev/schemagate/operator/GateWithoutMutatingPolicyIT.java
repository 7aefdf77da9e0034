package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP_IMAGE;
import static dev.schemagate.operator.Scenario.APP_REPLICAS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.testenv.Cluster;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The gate where no MutatingAdmissionPolicy is served: the ValidatingAdmissionPolicy refuses pods
 * of an unmigrated image, the ReplicaSet records FailedCreate and backs off, and on release the
 * operator nudges it so that the pods are created at once rather than after the back-off.
 */
class GateWithoutMutatingPolicyIT {
  @Test
  void refusesPodsOfAnUnmigratedImageAndNudgesTheReplicaSetOnRelease() {
    var plane = Cluster.withoutMutatingAdmissionPolicy();
    var client = plane.client();
    var namespace = Cluster.newNamespace(plane, "no-map");
    try (var s = new Scenario(plane, client, namespace)) {
      s.startOperator();
      s.putMigrations(Scenario.V1);
      s.createMigration();
      s.createDeployment();

      var job = s.awaitJobFor(APP_IMAGE);
      var running = s.awaitTrue("Reconciling", "MigrationRunning");
      assertThat(running.getMessage())
          .contains(APP_IMAGE + " held (its pods are refused at creation)");
      assertThat(s.migration().getStatus().getHoldMechanism())
          .isEqualTo(HoldMechanism.AdmissionPolicy.name());
      // Let the ReplicaSet controller fail long enough for its back-off to grow past the wait
      // below.
      await()
          .atMost(Scenario.TIMEOUT)
          .until(
              () ->
                  client.v1().events().inNamespace(namespace).list().getItems().stream()
                      .filter(e -> "FailedCreate".equals(e.getReason()))
                      .anyMatch(e -> e.getMessage().contains("SchemaGate holds this image")));
      await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
      assertThat(s.appPods()).isEmpty();

      var released = Instant.now();
      s.succeed(job);

      // The controller's back-off is now several seconds; the nudge skips it.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> s.appPods(APP_IMAGE).size() == APP_REPLICAS);
      assertThat(Duration.between(released, Instant.now())).isLessThan(Duration.ofSeconds(5));
      assertThat(s.appPods()).noneMatch(Scenario::gated);
      s.awaitTrue("Ready", "Migrated");
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }
}
