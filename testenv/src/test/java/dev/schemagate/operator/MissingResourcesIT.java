package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a SchemaMigration names may not exist yet; SchemaGate waits for it and goes on when it
 * appears.
 */
@ExtendWith(Scenario.PerTest.class)
class MissingResourcesIT {
  @Test
  void missingConfigMapStallsWithoutAnyJobUntilItIsCreated(Scenario s) {
    s.startOperator();
    s.createDeployment();
    s.createMigration(3);

    var stalled = s.awaitTrue("Stalled", "ConfigMapNotFound");
    assertThat(stalled.getMessage())
        .isEqualTo(
            "ConfigMap \"%s\" not found in namespace \"%s\": create it or fix"
                + " spec.flyway.configMapRef.name",
            Scenario.MIGRATIONS, s.namespace);
    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(0).equals(s.replicas()));
    // Nothing to run: no Job, however long we wait.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> s.jobs().isEmpty());
    assertThat(s.events("ConfigMapNotFound"))
        .singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
    assertThat(s.migration().getStatus().getJob()).isNull();

    s.putMigrations(Scenario.V1);

    var job = s.awaitOnlyJob();
    assertThat(job.getMetadata().getName())
        .isEqualTo(Scenario.APP + "-" + s.expectedRevision(Scenario.V1));
    s.awaitTrue("Reconciling", "MigrationRunning");
    assertThat(s.condition("Stalled").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(s.replicas()).isZero();
  }

  @Test
  void missingDeploymentDoesNotStopTheMigrationAndIsReleasedWhenCreated(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration(3);

    var job = s.awaitOnlyJob();
    var running = s.awaitTrue("Reconciling", "MigrationRunning");
    assertThat(running.getMessage()).endsWith("Deployment \"basketball-api\" not found yet");

    s.succeed(job);

    var missing = s.awaitTrue("Stalled", "DeploymentNotFound");
    var revision = s.expectedRevision(Scenario.V1);
    assertThat(missing.getMessage())
        .isEqualTo(
            "Revision %s migrated, but Deployment \"basketball-api\" was not found in namespace"
                + " \"%s\"",
            revision, s.namespace);
    assertThat(s.migration().getStatus().getAppliedRevision()).isEqualTo(revision);
    assertThat(s.deployment()).isNull();

    s.createDeployment();

    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(3).equals(s.replicas()));
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.condition("Stalled").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(s.jobs()).hasSize(1);
  }
}
