package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.testenv.Cluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chart's ValidatingAdmissionPolicy on the real API server, with no operator running: the gate
 * is closed from the moment the SchemaMigration exists, before any reconcile, and no pod of the
 * held Deployment is ever created.
 */
class PodAdmissionPolicyIT {
  final KubernetesClient client = Cluster.client();

  List<Pod> pods(String namespace, String app) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/name", app)
        .list()
        .getItems();
  }

  @Test
  void podsOfAHeldDeploymentAreRefusedUntilTheRevisionIsApplied() {
    var ns = Cluster.newNamespace("admission-hold");
    client.resource(Scenario.migration(ns, 2)).create();
    // Created in the same breath as its SchemaMigration, at Kubernetes' default of 1 replica.
    client.resource(Scenario.appDeployment(ns)).create();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var sets = client.apps().replicaSets().inNamespace(ns).list().getItems();
              assertThat(sets)
                  .singleElement()
                  .satisfies(
                      rs ->
                          assertThat(failure(rs))
                              .contains(
                                  "SchemaGate holds Deployment basketball-api until SchemaMigration"
                                      + " basketball-api has migrated"));
            });
    assertThat(pods(ns, Scenario.APP)).isEmpty();

    // What the operator writes when the migration's Job has succeeded.
    var status = new SchemaMigrationStatus();
    status.setObservedGeneration(1L);
    status.setRevision("5c1f0a9e2b");
    status.setAppliedRevision("5c1f0a9e2b");
    client
        .resources(SchemaMigration.class)
        .inNamespace(ns)
        .withName(Scenario.APP)
        .editStatus(
            m -> {
              m.setStatus(status);
              return m;
            });

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(pods(ns, Scenario.APP)).hasSize(1));

    // A new release edits the spec: refused at once, before the operator has even looked at it.
    client
        .resources(SchemaMigration.class)
        .inNamespace(ns)
        .withName(Scenario.APP)
        .edit(
            m -> {
              m.getSpec().getFlyway().getConfigMapRef().setName("basketball-migrations-1-8-1");
              return m;
            });
    var hash = pods(ns, Scenario.APP).get(0).getMetadata().getLabels().get("pod-template-hash");
    assertThat(
            assertRefused(
                pod(ns, "basketball-api-" + hash + "-x2", "basketball-api-" + hash, hash)))
        .contains("SchemaGate holds Deployment basketball-api");
  }

  @Test
  void aNewRevisionClosesTheGateAgainAndOtherPodsAreNotConcerned() {
    var ns = Cluster.newNamespace("admission-other");
    var migration = Scenario.migration(ns, 1);
    var status = new SchemaMigrationStatus();
    status.setRevision("bbbbbbbbbb");
    status.setAppliedRevision("aaaaaaaaaa");
    client.resource(migration).create();
    client
        .resources(SchemaMigration.class)
        .inNamespace(ns)
        .withName(Scenario.APP)
        .editStatus(
            m -> {
              m.setStatus(status);
              return m;
            });

    var held = pod(ns, "basketball-api-7d9f8c6b5d-x1", "basketball-api-7d9f8c6b5d", "7d9f8c6b5d");
    assertThat(assertRefused(held)).contains("SchemaGate holds Deployment basketball-api");
    // Another Deployment whose name merely starts the same, and a bare pod: admitted. (The garbage
    // collector removes the first soon after, since its ReplicaSet does not exist.)
    var other =
        client
            .resource(
                pod(ns, "basketball-api-worker-6c5b-x1", "basketball-api-worker-6c5b", "6c5b"))
            .create();
    var bare =
        client
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("bare")
                    .withNamespace(ns)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("c")
                    .withImage("busybox")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    assertThat(List.of(other, bare))
        .allSatisfy(p -> assertThat(p.getMetadata().getUid()).isNotBlank());
  }

  static Pod pod(String namespace, String name, String replicaSet, String hash) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("pod-template-hash", hash)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(replicaSet)
        .withUid("00000000-0000-0000-0000-000000000001")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("basketball-api:1.8.0")
        .endContainer()
        .endSpec()
        .build();
  }

  String assertRefused(Pod pod) {
    try {
      client.resource(pod).create();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isEqualTo(403);
      return e.getMessage();
    }
    throw new AssertionError("pod " + pod.getMetadata().getName() + " was admitted");
  }

  static String failure(ReplicaSet rs) {
    if (rs.getStatus() == null || rs.getStatus().getConditions() == null) {
      return "";
    }
    return rs.getStatus().getConditions().stream()
        .filter(c -> "ReplicaFailure".equals(c.getType()))
        .map(c -> c.getMessage())
        .findFirst()
        .orElse("");
  }
}
