package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Workload;
import dev.schemagate.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One SchemaMigration per workload and one per database: the chart's policies refuse a second at
 * apply, naming the first; where two got in anyway, the oldest keeps the gate, the other says so
 * and holds nothing, and takes over once the first is gone.
 */
@ExtendWith(Scenario.PerTest.class)
class OnePerWorkloadAndDatabaseIT {
  static final String SECOND = "basketball-api-second";

  /** A second SchemaMigration, on a database of its own unless told otherwise. */
  static SchemaMigration second(Scenario s, String deployment) {
    return second(s, SECOND, deployment, SECOND + "-db");
  }

  static SchemaMigration second(Scenario s, String name, String deployment, String secret) {
    var m = Scenario.migrationFor(s.namespace, deployment, Scenario.MIGRATIONS, secret);
    m.getMetadata().setName(name);
    return m;
  }

  @Test
  void aSecondForTheSameDeploymentIsRefusedAtApplyNamingTheFirst(Scenario s) {
    GateIT.install(s);

    assertThatThrownBy(() -> s.createMigration(second(s, APP)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "spec.target: Deployment %s is gated by SchemaMigration %s already; a workload takes"
                    .formatted(APP, APP)
                + " one SchemaMigration");

    // Pointed at another Deployment it is welcome; pointed back, refused again.
    s.createMigration(second(s, "worker"));
    assertThatThrownBy(
            () ->
                s.client
                    .resources(SchemaMigration.class)
                    .inNamespace(s.namespace)
                    .withName(SECOND)
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"target\":{\"deployment\":\"%s\"}}}".formatted(APP)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("is gated by SchemaMigration " + APP + " already");
    // An update that leaves the target alone always passes (here: the first's retry annotation).
    var retried =
        s.client
            .resources(SchemaMigration.class)
            .inNamespace(s.namespace)
            .withName(APP)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"%s\":\"1\"}}}"
                    .formatted(SchemaMigration.RETRY_ANNOTATION));
    assertThat(retried.getMetadata().getAnnotations())
        .containsEntry(SchemaMigration.RETRY_ANNOTATION, "1");
  }

  /** The same rule for workloads named in spec.target.workloads, whatever their kind. */
  @Test
  void aWorkloadInTwoTargetsIsRefusedNamingTheWorkloadAndTheFirst(Scenario s) {
    s.startOperator();
    s.createMigration();
    var first = second(s, "jobs", "worker", "jobs-db");
    first
        .getSpec()
        .getTarget()
        .setWorkloads(
            List.of(
                new Workload(WorkloadKind.CronJob, "nightly"),
                new Workload(WorkloadKind.StatefulSet, "ledger")));
    s.createMigration(first);

    var overlapping = second(s, "reports", "reports", "reports-db");
    overlapping
        .getSpec()
        .getTarget()
        .setWorkloads(
            List.of(
                new Workload(WorkloadKind.Job, "nightly"),
                new Workload(WorkloadKind.StatefulSet, "ledger")));
    assertThat(awaitRefusal(s, overlapping))
        .contains("spec.target: StatefulSet ledger is gated by SchemaMigration jobs already");
    overlapping.getSpec().getTarget().setDeployment("worker");
    overlapping.getSpec().getTarget().setWorkloads(null);
    assertThatThrownBy(() -> s.createMigration(overlapping))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.target: Deployment worker is gated by SchemaMigration jobs");
    overlapping.getSpec().getTarget().setDeployment("reports");
    // A Job named as the CronJob is another workload; and the app's Deployment is the first's.
    overlapping
        .getSpec()
        .getTarget()
        .setWorkloads(List.of(new Workload(WorkloadKind.Job, "nightly")));
    s.createMigration(overlapping);
    var app = second(s, "app-too", "reports-2", "app-too-db");
    app.getSpec().getTarget().setWorkloads(List.of(new Workload(WorkloadKind.Deployment, APP)));
    assertThatThrownBy(() -> s.createMigration(app))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "spec.target: Deployment %s is gated by SchemaMigration %s already"
                .formatted(APP, APP));
  }

  /**
   * Never two migrations of one database at once: a second SchemaMigration on the same Secret and
   * key is refused naming the first, on create and when an update points it there; another key of
   * the same Secret is another database.
   */
  @Test
  void aSecondOnTheSameDatabaseIsRefusedNamingTheFirst(Scenario s) {
    s.startOperator();
    s.createMigration();
    var sameDatabase = second(s, SECOND, "worker", Scenario.DB_SECRET);
    var refusal =
        "spec.database.urlSecretRef: key %s of Secret %s is the database of SchemaMigration %s"
                .formatted(Scenario.DB_KEY, Scenario.DB_SECRET, APP)
            + " already; never two migrations of one database at once";
    assertThat(awaitRefusal(s, sameDatabase)).contains(refusal);

    sameDatabase.getSpec().getDatabase().getUrlSecretRef().setKey("reporting-url");
    s.createMigration(sameDatabase);
    assertThatThrownBy(
            () ->
                s.client
                    .resources(SchemaMigration.class)
                    .inNamespace(s.namespace)
                    .withName(SECOND)
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"database\":{\"urlSecretRef\":{\"key\":\"%s\"}}}}"
                            .formatted(Scenario.DB_KEY)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(refusal);
    // An update that leaves the database alone passes.
    var labelled =
        s.client
            .resources(SchemaMigration.class)
            .inNamespace(s.namespace)
            .withName(SECOND)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"team\":\"reports\"}}}");
    assertThat(labelled.getMetadata().getLabels()).containsEntry("team", "reports");
  }

  @Test
  void whereTwoGotInTheOldestKeepsTheGateAndTheOtherTakesOverWhenItGoes(Scenario s) {
    GateIT.install(s);
    // As if both were created in the same instant, or the policy were switched off: it warns only.
    var binding = onePerWorkloadBinding(s);
    setActions(s, binding, List.of("Warn"));
    try {
      // The API server's policy cache follows the binding within about a second.
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreException(KubernetesClientException.class)
          .until(() -> s.createMigration(second(s, APP)) != null);
    } finally {
      setActions(s, binding, List.of("Deny"));
    }

    var refused = s.awaitTrue(SECOND, "Stalled", "TargetHeldByOther");
    assertThat(refused.getMessage())
        .startsWith("Deployment %s is gated by SchemaMigration %s already".formatted(APP, APP));
    assertThat(s.jobs(SECOND)).isEmpty();
    // The first keeps working: an upgrade is held by it alone, migrated and released.
    s.setImage(GateIT.V18);
    var held = s.awaitHeld(GateIT.V18, 1);
    assertThat(held)
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getLabels())
                    .containsEntry("schemagate.dev/held-by", APP));
    s.succeed(s.awaitJobFor(GateIT.V18));
    // No kubelet here: the released pod never becomes Ready, so the rollout stops at one.
    s.awaitReleased(GateIT.V18, 1);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.events(SECOND, "TargetHeldByOther")).hasSize(1);
    assertThat(s.jobs(SECOND)).isEmpty();

    // The first deleted, the second gates the Deployment within its recheck.
    s.client.resource(s.migration()).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(s.jobs(SECOND)).hasSize(1));
    var running = s.awaitTrue(SECOND, "Reconciling", "MigrationRunning");
    assertThat(running.getMessage()).contains(GateIT.V18);
  }

  /**
   * The API server's refusal of {@code migration}, once its policies have seen the SchemaMigrations
   * just created (their params come from an informer): dry-run creates until one is refused.
   */
  private static String awaitRefusal(Scenario s, SchemaMigration migration) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              try {
                s.client.resource(migration).dryRun().create();
                return null;
              } catch (KubernetesClientException e) {
                return e.getMessage();
              }
            },
            Objects::nonNull);
  }

  private static String onePerWorkloadBinding(Scenario s) {
    return s
        .client
        .admissionRegistration()
        .v1()
        .validatingAdmissionPolicyBindings()
        .list()
        .getItems()
        .stream()
        .map(b -> b.getMetadata().getName())
        .filter(n -> n.endsWith("-one-per-workload"))
        .findFirst()
        .orElseThrow();
  }

  private static void setActions(Scenario s, String binding, List<String> actions) {
    s.client
        .admissionRegistration()
        .v1()
        .validatingAdmissionPolicyBindings()
        .withName(binding)
        .edit(
            (ValidatingAdmissionPolicyBinding b) -> {
              b.getSpec().setValidationActions(actions);
              return b;
            });
  }
}
