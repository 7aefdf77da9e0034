package dev.schemagate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.reconcile.EventSources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the operator's client makes of a watch event's object, by its apiVersion and kind. */
class OperatorSerializationTest {
  @ParameterizedTest
  @CsvSource({
    "schemagate.dev/v1alpha1, SchemaMigration, dev.schemagate.api.SchemaMigration",
    "apps/v1, Deployment, io.fabric8.kubernetes.api.model.apps.Deployment",
    "apps/v1, StatefulSet, io.fabric8.kubernetes.api.model.apps.StatefulSet",
    "batch/v1, CronJob, io.fabric8.kubernetes.api.model.batch.v1.CronJob",
    "v1, ConfigMap, io.fabric8.kubernetes.api.model.ConfigMap",
    "batch/v1, Job, io.fabric8.kubernetes.api.model.batch.v1.Job",
    "v1, Pod, io.fabric8.kubernetes.api.model.Pod",
    // A watch resumed from an expired resource version: the informer lists again only on a Status.
    "v1, Status, io.fabric8.kubernetes.api.model.Status",
    // Not watched: read, but not through a class of its own.
    "gateway.networking.k8s.io/v1, HTTPRoute,"
        + " io.fabric8.kubernetes.api.model.GenericKubernetesResource",
  })
  void aWatchEventsObjectReadsAsItsKind(String apiVersion, String kind, Class<?> expected) {
    var event =
        """
        {"type": "%s", "object": {"apiVersion": "%s", "kind": "%s", "metadata": {"name": "x"}}}
        """
            .formatted(kind.equals("Status") ? "ERROR" : "ADDED", apiVersion, kind);

    var object = OperatorCommand.serialization().unmarshal(event, WatchEvent.class).getObject();

    assertThat(object).isExactlyInstanceOf(expected);
  }

  @Test
  void theTableAboveHasEveryWatchedKind() {
    assertThat(EventSources.WATCHED_KINDS)
        .containsExactlyInAnyOrder(
            SchemaMigration.class,
            Deployment.class,
            StatefulSet.class,
            CronJob.class,
            ConfigMap.class,
            Job.class,
            Pod.class);
  }

  @Test
  void anExpiredWatchIsAStatusWithItsCode() {
    var event =
        """
        {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "metadata": {},
         "status": "Failure", "message": "too old resource version: 2818 (2824)",
         "reason": "Expired", "code": 410}}
        """;

    var object = OperatorCommand.serialization().unmarshal(event, WatchEvent.class).getObject();

    assertThat(object)
        .isInstanceOfSatisfying(Status.class, s -> assertThat(s.getCode()).isEqualTo(410));
  }
}
