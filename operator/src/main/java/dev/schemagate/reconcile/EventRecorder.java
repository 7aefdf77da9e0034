package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on a SchemaMigration, for `kubectl describe` and event exporters. */
final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "schemagate";

  private final KubernetesClient client;
  private final Clock clock;

  EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void record(SchemaMigration migration, Plan.Event event) {
    var meta = migration.getMetadata();
    var now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var kubeEvent =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(meta.getName() + ".")
            .withNamespace(meta.getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(migration.getApiVersion())
                    .withKind(migration.getKind())
                    .withNamespace(meta.getNamespace())
                    .withName(meta.getName())
                    .withUid(meta.getUid())
                    .build())
            .withType(event.warning() ? "Warning" : "Normal")
            .withReason(event.reason())
            .withMessage(event.message())
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    // The SchemaMigration's namespace and name are in each line already: JOSDK's MDC.
    log.info("{}: {}", event.reason(), event.message());
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(kubeEvent).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy; the status already says the same. Never fail a reconcile for it.
      log.warn("could not record event {}: {}", event.reason(), e.getMessage());
    }
  }
}
