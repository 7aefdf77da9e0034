package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static dev.schemagate.operator.Scenario.APP_IMAGE;
import static dev.schemagate.operator.Scenario.MIGRATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.Reasons;
import dev.schemagate.testenv.Cluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a user applies with {@code kubectl apply}, in the order kubectl and GitOps tools apply it,
 * reaches the operator at once. Objects whose only annotation is kubectl's last-applied
 * configuration once lost their events in java-operator-sdk's handler (the trimmed cache left their
 * annotations null), and only a pod event or the maximum reconciliation interval caught up.
 */
@ExtendWith(Scenario.PerTest.class)
class LostEventsIT {
  /** What a user waits for the operator to see an apply: no pod event stands in for it here. */
  private static final Duration SEEN_WITHIN = Duration.ofSeconds(5);

  @Test
  void aDeploymentAppliedAfterItsSchemaMigrationIsSeenAtOnce(Scenario s) {
    s.startOperator();
    apply(s, migrations(s, Scenario.V1));
    s.createMigration();
    s.awaitTrue("Stalled", Reasons.DEPLOYMENT_NOT_FOUND);

    apply(s, Scenario.appDeployment(s.namespace, APP, APP_IMAGE, 0));

    s.succeed(s.awaitJobFor(APP_IMAGE, SEEN_WITHIN));
    awaitReadyWithin(s, SEEN_WITHIN);
  }

  @Test
  void anImageBumpIsSeenAtOnceWhereHeldPodsAreRefused() {
    var plane = Cluster.withoutMutatingAdmissionPolicy();
    var client = plane.client();
    var namespace = Cluster.newNamespace(plane, "lost-events-no-map");
    try (var s = new Scenario(plane, client, namespace)) {
      s.startOperator();
      apply(s, migrations(s, Scenario.V1));
      s.createMigration();
      s.awaitTrue("Stalled", Reasons.DEPLOYMENT_NOT_FOUND);

      apply(s, Scenario.appDeployment(namespace, APP, APP_IMAGE, Scenario.APP_REPLICAS));
      s.succeed(s.awaitJobFor(APP_IMAGE, SEEN_WITHIN));
      awaitReadyWithin(s, SEEN_WITHIN);

      apply(s, Scenario.appDeployment(namespace, APP, "basketball-api:1.8", Scenario.APP_REPLICAS));
      s.awaitJobFor("basketball-api:1.8", SEEN_WITHIN);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  void aChangeOfTheMigrationsAloneStartsItsRevisionAtOnce(Scenario s) {
    s.startOperator();
    apply(s, migrations(s, Scenario.V1));
    s.createMigration();
    // Not applied with kubectl: only the ConfigMap's change is under test here.
    s.client.resource(Scenario.appDeployment(s.namespace, APP, APP_IMAGE, 0)).create();
    s.succeed(s.awaitJobFor(APP_IMAGE));
    s.awaitTrue("Ready", Reasons.MIGRATED);
    var revision = s.migration().getStatus().getRevision();

    var v2 = Map.of("V2__add_coach.sql", "alter table team add column coach text;");
    var both = new HashMap<>(Scenario.V1);
    both.putAll(v2);
    apply(s, migrations(s, both));

    var expected = s.expectedRevision(both);
    await("the Job of the ConfigMap's new revision " + expected)
        .atMost(SEEN_WITHIN)
        .until(
            () ->
                s.jobs().stream()
                    .anyMatch(j -> j.getMetadata().getName().equals(APP + "-" + expected)));
    assertThat(expected).isNotEqualTo(revision);
  }

  private static HasMetadata migrations(Scenario s, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(MIGRATIONS)
        .withNamespace(s.namespace)
        .endMetadata()
        .withData(data)
        .build();
  }

  /** The real kubectl's client-side apply: the object gets kubectl's annotation and no other. */
  private static void apply(Scenario s, HasMetadata object) {
    s.kubectl(Serialization.asYaml(object), "apply", "-f", "-");
  }

  private static void awaitReadyWithin(Scenario s, Duration within) {
    await("Ready/Migrated")
        .atMost(within)
        .until(
            () ->
                s.condition("Ready")
                    .filter(
                        c -> "True".equals(c.getStatus()) && Reasons.MIGRATED.equals(c.getReason()))
                    .isPresent());
  }
}
