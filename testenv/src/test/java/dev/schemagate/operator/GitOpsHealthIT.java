package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.operator.GitOpsHealth.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Argo CD (the shipped Lua health check, in gopher-lua), Flux (kstatus) and `kubectl wait`
 * make of live SchemaMigrations in each state, each read as JSON from the API server.
 */
@ExtendWith(Scenario.PerTest.class)
class GitOpsHealthIT {

  @Test
  void justCreatedIsProgressingForArgoCdAndCurrentForKstatus(Scenario s) {
    // No operator: the SchemaMigration as the API server has it before SchemaGate's first status.
    s.putMigrations(Scenario.V1);
    s.createMigration();
    var json = live(s);
    assertThat(parse(s, json).getStatus()).isNull();

    assertThat(GitOpsHealth.argoCd(json))
        .isEqualTo(new Verdict("Progressing", "Waiting for SchemaGate to report status"));
    // kstatus cannot tell a resource without status from one that never has any: Current. Flux's
    // wait can pass this instant; it sees the real state from the operator's first status on.
    assertThat(GitOpsHealth.kstatus(json)).isEqualTo(new Verdict("Current", "Resource is current"));
    assertThatThrownBy(() -> waitForReady(s, "2s"))
        .hasMessageContaining("timed out waiting for the condition");
  }

  @Test
  void migratingIsProgressingAndInProgressWithTheReconcilingMessage(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    s.awaitOnlyJob();
    s.awaitTrue("Reconciling", "MigrationRunning");

    var json = live(s);
    var reconciling = condition(s, json, "Reconciling");
    assertThat(reconciling.getStatus()).isEqualTo("True");
    assertThat(reconciling.getMessage()).contains(Scenario.APP_IMAGE);

    assertThat(GitOpsHealth.argoCd(json))
        .isEqualTo(new Verdict("Progressing", reconciling.getMessage()));
    assertThat(GitOpsHealth.kstatus(json))
        .isEqualTo(new Verdict("InProgress", reconciling.getMessage()));
    assertThatThrownBy(() -> waitForReady(s, "2s"))
        .hasMessageContaining("timed out waiting for the condition");
  }

  @Test
  void readyIsHealthyAndCurrentAndPassesKubectlWait(Scenario s) {
    migrateToReady(s);

    var json = live(s);
    var ready = condition(s, json, "Ready");
    assertThat(ready.getMessage()).contains(Scenario.APP_IMAGE);

    assertThat(GitOpsHealth.argoCd(json)).isEqualTo(new Verdict("Healthy", ready.getMessage()));
    assertThat(GitOpsHealth.kstatus(json)).isEqualTo(new Verdict("Current", "Resource is Ready"));
    assertThat(waitForReady(s, "10s")).contains("condition met");
  }

  @Test
  void stalledIsDegradedAndFailedWithTheSqlErrorAndKubectlWaitTimesOut(Scenario s) {
    FailureIT.failAtV8(s);

    var json = live(s);
    var stalled = condition(s, json, "Stalled");
    assertThat(stalled.getMessage()).contains(Scenario.V8_FAILURE);

    assertThat(GitOpsHealth.argoCd(json)).isEqualTo(new Verdict("Degraded", stalled.getMessage()));
    assertThat(GitOpsHealth.kstatus(json)).isEqualTo(new Verdict("Failed", stalled.getMessage()));
    assertThatThrownBy(() -> waitForReady(s, "2s"))
        .hasMessageContaining("timed out waiting for the condition");
  }

  @Test
  void specEditNotYetObservedIsProgressingAndInProgress(Scenario s) {
    migrateToReady(s);
    // The edit lands while SchemaGate is down: Ready=True is still there, for generation 1.
    s.stopOperator();
    s.editMigration(
        m -> {
          var job = new JobSettings();
          job.setActiveDeadlineSeconds(300L);
          m.getSpec().setJob(job);
          return m;
        });

    var json = live(s);
    var migration = parse(s, json);
    assertThat(migration.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(migration.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(condition(s, json, "Ready").getStatus()).isEqualTo("True");

    assertThat(GitOpsHealth.argoCd(json))
        .isEqualTo(
            new Verdict(
                "Progressing", "Waiting for SchemaGate to observe generation 2 (status is for 1)"));
    assertThat(GitOpsHealth.kstatus(json))
        .isEqualTo(
            new Verdict(
                "InProgress",
                "SchemaMigration generation is 2, but latest observed generation is 1"));
    // kubectl wait compares the condition's observedGeneration with metadata.generation too.
    assertThatThrownBy(() -> waitForReady(s, "2s"))
        .hasMessageContaining("timed out waiting for the condition");
  }

  private static void migrateToReady(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    s.succeed(s.awaitOnlyJob());
    s.awaitTrue("Ready", "Migrated");
  }

  /** The app's SchemaMigration as the API server returns it to `kubectl get -o json`. */
  private static String live(Scenario s) {
    return s.kubectl(null, "get", "schemamigrations.schemagate.dev", APP, "--output=json");
  }

  private static SchemaMigration parse(Scenario s, String json) {
    return s.client.getKubernetesSerialization().unmarshal(json, SchemaMigration.class);
  }

  /** A condition of the same snapshot the tools read. */
  private static Condition condition(Scenario s, String json, String type) {
    return parse(s, json).getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  private static String waitForReady(Scenario s, String timeout) {
    return s.kubectl(
        null,
        "wait",
        "schemamigrations.schemagate.dev/" + APP,
        "--for=condition=Ready",
        "--timeout=" + timeout);
  }
}
