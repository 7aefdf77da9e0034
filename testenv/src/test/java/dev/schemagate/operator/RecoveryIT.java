package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    s.createMigration(3);
    var job = s.awaitOnlyJob();
    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(0).equals(s.replicas()));
    s.awaitTrue("Reconciling", "MigrationRunning");

    s.stopOperator();
    // A spec change while it is down (generation 2) shows when the new instance has reconciled.
    s.editMigration(
        m -> {
          m.getSpec().getTarget().setReplicas(2);
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
    assertThat(s.events("MigrationStarted")).hasSize(1);
    assertThat(s.replicas()).isZero();

    s.succeed(job);

    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(2).equals(s.replicas()));
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.jobs()).hasSize(1);
  }

  @Test
  void jobDeletedWhileRunningIsCreatedAgainUnderTheSameName(Scenario s) {
    s.startOperator();
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    s.createMigration(3);
    var first = s.awaitOnlyJob();
    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(0).equals(s.replicas()));

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
    // The Event follows the create.
    await().atMost(Scenario.TIMEOUT).until(() -> s.events("MigrationStarted").size() == 2);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> Integer.valueOf(0).equals(s.replicas()));
    assertThat(s.condition("Reconciling").orElseThrow().getStatus()).isEqualTo("True");

    s.succeed(again);

    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(3).equals(s.replicas()));
  }

  @Test
  void deploymentRecreatedWhileMigratingIsHeldAgain(Scenario s) {
    s.startOperator();
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    s.createMigration(3);
    s.awaitOnlyJob();
    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(0).equals(s.replicas()));

    s.deleteDeployment();
    var recreated = s.createDeployment();
    assertThat(recreated.getSpec().getReplicas()).as("defaulted").isEqualTo(1);

    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(0).equals(s.replicas()));
    await().atMost(Scenario.TIMEOUT).until(() -> s.events("Held").size() == 2);
    assertThat(s.condition("Reconciling").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(s.jobs()).hasSize(1);
  }

  @Test
  void deploymentRecreatedAfterMigrationIsScaledToTarget(Scenario s) {
    s.startOperator();
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    s.createMigration(3);
    s.succeed(s.awaitOnlyJob());
    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(3).equals(s.replicas()));
    s.awaitTrue("Ready", "Migrated");

    s.deleteDeployment();
    var missing = s.awaitTrue("Stalled", "DeploymentNotFound");
    assertThat(missing.getMessage())
        .contains(
            "Deployment \"basketball-api\" was not found in namespace \"" + s.namespace + "\"");
    var recreated = s.createDeployment();
    assertThat(recreated.getSpec().getReplicas()).as("defaulted").isEqualTo(1);

    await().atMost(Scenario.TIMEOUT).until(() -> Integer.valueOf(3).equals(s.replicas()));
    s.awaitTrue("Ready", "Migrated");
    await().atMost(Scenario.TIMEOUT).until(() -> !s.events("Scaled").isEmpty());
    assertThat(s.events("Scaled"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("from 1 to 3 replicas"));
    assertThat(s.jobs()).as("no new Job: the revision is applied").hasSize(1);
  }

  @Test
  void deletedSchemaMigrationHasItsJobsGarbageCollected(Scenario s) {
    s.startOperator();
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    s.createMigration(3);
    s.awaitOnlyJob();
    // A second revision while the first still runs: two Jobs owned by the one SchemaMigration.
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
