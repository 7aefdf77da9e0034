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
    s.createMigration();
    s.createDeployment();

    var stalled = s.awaitTrue("Stalled", "ConfigMapNotFound");
    assertThat(stalled.getMessage())
        .isEqualTo(
            "ConfigMap \"%s\" not found in namespace \"%s\": create it or fix"
                + " spec.flyway.configMapRef.name",
            Scenario.MIGRATIONS, s.namespace);
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
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
    assertThat(s.appPods()).isNotEmpty().allMatch(Scenario::gated);
  }

  @Test
  void missingDeploymentRunsNothingUntilItExists(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();

    var missing = s.awaitTrue("Stalled", "DeploymentNotFound");
    assertThat(missing.getMessage())
        .isEqualTo(
            "Deployment \"basketball-api\" not found in namespace \"%s\": nothing to migrate for"
                + " until it exists",
            s.namespace);
    // Without the Deployment there is no image to migrate for.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> s.jobs().isEmpty());

    s.createDeployment();

    var job = s.awaitJobFor(Scenario.APP_IMAGE);
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.succeed(job);
    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.condition("Stalled").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(s.jobs()).hasSize(1);
  }
}
