package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.SchemaMigration;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Things go away under SchemaGate (the operator itself, its Job, the Deployment, the resource) and
 * it copes.
 */
@ExtendWith(Scenario.PerTest.class)
class RecoveryIT {
  @Test
  void operatorRestartedWhileTheJobRunsKeepsTheOneJobAndReleasesOnSuccess(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    var job = s.awaitOnlyJob();
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Reconciling", "MigrationRunning");

    s.stopOperator();
    // A spec change while it is down (generation 2) shows when the new instance has reconciled.
    s.editMigration(
        m -> {
          var limits = new JobSettings();
          limits.setBackoffLimit(3);
          m.getSpec().setJob(limits);
          return m;
        });
    s.startOperator();

    await()
        .atMost(Scenario.TIMEOUT)
        .until(() -> Long.valueOf(2).equals(s.migration().getStatus().getObservedGeneration()));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> s.jobs().size() == 1);
    assertThat(s.jobs().get(0).getMetadata().getUid()).isEqualTo(job.getMetadata().getUid());
    assertThat(s.appPods()).isNotEmpty().allMatch(Scenario::gated);

    s.succeed(job);

    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.jobs()).hasSize(1);
  }

  @Test
  void jobDeletedWhileRunningIsCreatedAgainUnderTheSameName(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    var first = s.awaitOnlyJob();
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);

    s.client.resource(first).delete();

    var again =
        await()
            .atMost(Scenario.TIMEOUT)
            .until(
                () ->
                    s.client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(s.namespace)
                        .withName(first.getMetadata().getName())
                        .get(),
                j -> j != null && !j.getMetadata().getUid().equals(first.getMetadata().getUid()));
    assertThat(s.jobs()).hasSize(1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> s.appPods().stream().allMatch(Scenario::gated));
    assertThat(s.condition("Reconciling").orElseThrow().getStatus()).isEqualTo("True");

    s.succeed(again);

    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
  }

  @Test
  void deploymentRecreatedWhileMigratingIsHeldAgain(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    s.awaitOnlyJob();
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);

    s.deleteDeployment();
    s.createDeployment();

    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Reconciling", "MigrationRunning");
    assertThat(s.jobs()).hasSize(1);
  }

  @Test
  void deploymentRecreatedAfterMigrationRunsUngated(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    s.succeed(s.awaitOnlyJob());
    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");

    s.deleteDeployment();
    var missing = s.awaitTrue("Stalled", "DeploymentNotFound");
    assertThat(missing.getMessage())
        .startsWith("Deployment \"basketball-api\" not found in namespace \"" + s.namespace + "\"");
    s.createDeployment();

    // The image was migrated: admission gates none of the new Deployment's pods.
    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.jobs()).as("no new Job: the revision is applied").hasSize(1);
  }

  @Test
  void deletedSchemaMigrationHasItsJobsGarbageCollected(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    s.succeed(s.awaitOnlyJob());
    s.awaitTrue("Ready", "Migrated");
    // A second revision: two Jobs owned by the one SchemaMigration.
    s.putMigrations(Map.of("V1__init.sql", "create table team (id bigint primary key);"));
    await().atMost(Scenario.TIMEOUT).until(() -> s.jobs().size() == 2);
    var jobs = s.jobs();
    jobs.forEach(j -> s.awaitPod(j));

    s.client.resources(SchemaMigration.class).inNamespace(s.namespace).withName(APP).delete();

    // The real garbage collector follows the owner references. Bound: kube-controller-manager
    // starts
    // before the CRD is installed and its garbage collector rediscovers resource types every 30 s,
    // so
    // in the first half-minute of a control plane it cannot map SchemaMigration yet and retries the
    // owner lookup with exponential back-off (up to about a minute); afterwards this takes well
    // under 1 s.
    await().atMost(Duration.ofSeconds(90)).until(() -> s.jobs().isEmpty());
    await()
        .atMost(Scenario.TIMEOUT)
        .until(() -> jobs.stream().allMatch(j -> s.pods(j.getMetadata().getName()).isEmpty()));
    assertThat(s.deployment()).as("the Deployment is the user's, not owned").isNotNull();
  }
}
