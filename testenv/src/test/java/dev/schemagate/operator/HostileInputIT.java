package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.job.MigrationJob;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What users, tools and broken containers may hand the operator: ConfigMaps at the API server's
 * limits, a binary termination message, a Job deleted or relabelled by hand, the target container
 * renamed away. Each ends in a condition that says what happened; none stops the operator.
 */
@ExtendWith(Scenario.PerTest.class)
class HostileInputIT {
  /** ConfigMap keys cannot be paths: the API server refuses them, naming the key. */
  @Test
  void aConfigMapKeyThatIsAPathIsRefusedNamingIt(Scenario s) {
    assertThatThrownBy(() -> s.putMigrations(Map.of("../V1__x.sql", "select 1;")))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage()).contains("data[../V1__x.sql]");
            });
  }

  /** 10,000 scripts in one ConfigMap: one Job, for the revision of all of them. */
  @Test
  void tenThousandScriptsStartOneJobOfTheirRevision(Scenario s) {
    var data = new TreeMap<String, String>();
    for (int i = 1; i <= 10_000; i++) {
      data.put("V%d__s.sql".formatted(i), "select %d;".formatted(i));
    }
    startOneJob(s, data);
  }

  /** One script of nearly a mebibyte (ConfigMaps hold at most 1 MiB). */
  @Test
  void aMebibyteOfSqlStartsOneJobOfItsRevision(Scenario s) {
    var sql = "-- " + "x".repeat(1_000_000) + "\nselect 1;";
    startOneJob(s, Map.of("V1__big.sql", sql));
  }

  private static void startOneJob(Scenario s, Map<String, String> data) {
    s.createDeployment();
    s.putMigrations(data);
    s.createMigration();
    s.startOperator();
    var job = s.awaitOnlyJob();
    assertThat(job.getMetadata().getName())
        .isEqualTo(Scenario.APP + "-" + s.expectedRevision(data));
    s.awaitTrue("Reconciling", "MigrationRunning");
  }

  /**
   * A container that writes 4 KiB of binary to its termination log: the SchemaMigration stalls with
   * it, with no terminal escape or NUL in its condition or its Event.
   */
  @Test
  void aBinaryTerminationMessageStallsWithAPrintableMessage(Scenario s) {
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    var migration = Scenario.migrationFor(s.namespace);
    var limits = new JobSettings();
    limits.setBackoffLimit(0);
    migration.getSpec().setJob(limits);
    s.createMigration(migration);
    s.startOperator();
    var bytes = new byte[4096];
    new Random(4096).nextBytes(bytes);
    bytes[0] = 0x1b; // ESC
    s.fail(s.awaitOnlyJob(), new String(bytes, StandardCharsets.ISO_8859_1));

    var stalled = s.awaitTrue("Stalled", "MigrationFailed");
    assertThat(printable(stalled.getMessage())).isTrue();
    var event =
        await()
            .atMost(Scenario.TIMEOUT)
            .until(() -> s.events("MigrationFailed"), e -> !e.isEmpty());
    assertThat(printable(event.get(0).getMessage())).isTrue();
  }

  private static boolean printable(String message) {
    return message
        .chars()
        .noneMatch(c -> Character.getType(c) == Character.CONTROL && c != '\n' && c != '\t');
  }

  /** A Job deleted by hand before it finished runs again (same name: the same revision). */
  @Test
  void aJobDeletedByHandBeforeItEndedIsCreatedAgain(Scenario s) {
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.startOperator();
    var first = s.awaitOnlyJob();
    s.client.resource(first).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();

    var second =
        await()
            .atMost(Scenario.TIMEOUT)
            .until(
                () -> s.jobs(),
                jobs ->
                    jobs.size() == 1
                        && !jobs.get(0).getMetadata().getUid().equals(first.getMetadata().getUid()))
            .get(0);
    assertThat(second.getMetadata().getName()).isEqualTo(first.getMetadata().getName());
    s.succeed(second);
    s.awaitTrue("Ready", "Migrated");
  }

  /**
   * A running Job's label edited by hand takes it out of the operator's Job informer: Stalled,
   * naming the Job and the label, its pods still held; the Job deleted, the revision runs again.
   */
  @Test
  void aJobEditedOutOfTheSelectorStallsUntilItIsDeleted(Scenario s) {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createMigration();
    s.createDeployment();
    var first = s.awaitOnlyJob();
    var name = first.getMetadata().getName();
    s.awaitTrue("Reconciling", "MigrationRunning");
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.kubectl(null, "label", "job/" + name, MigrationJob.MANAGED_BY_LABEL + "-");

    var stalled = s.awaitTrue("Stalled", "JobNotManaged");
    assertThat(stalled.getMessage())
        .contains(
            "Job \"%s\" lacks label %s=schemagate".formatted(name, MigrationJob.MANAGED_BY_LABEL))
        .contains("kubectl delete job -n %s %s".formatted(s.namespace, name));
    await()
        .atMost(Scenario.TIMEOUT)
        .untilAsserted(() -> assertThat(s.events("JobNotManaged")).hasSize(1));
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);

    s.kubectl(null, "delete", "job/" + name);
    // Within the recheck at the latest: a Job outside the selector sends no event when it goes.
    var second =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> s.jobs(),
                jobs ->
                    jobs.size() == 1
                        && !jobs.get(0).getMetadata().getUid().equals(first.getMetadata().getUid()))
            .get(0);
    assertThat(second.getMetadata().getName()).isEqualTo(name);
    assertThat(second.getMetadata().getLabels())
        .containsEntry(MigrationJob.MANAGED_BY_LABEL, MigrationJob.MANAGED_BY);
    s.succeed(second);
    s.awaitTrue("Ready", "Migrated");
    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    assertThat(s.events("JobNotManaged")).hasSize(1);
  }

  /** The app container renamed in the Deployment: Stalled, saying which containers there are. */
  @Test
  void theTargetContainerRenamedAwayStalls(Scenario s) {
    s.createDeployment();
    s.putMigrations(Scenario.V1);
    var migration = Scenario.migrationFor(s.namespace);
    migration.getSpec().getTarget().setContainer("app");
    s.createMigration(migration);
    s.startOperator();
    s.succeed(s.awaitOnlyJob());
    s.awaitTrue("Ready", "Migrated");

    s.client
        .apps()
        .deployments()
        .inNamespace(s.namespace)
        .withName(Scenario.APP)
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/name\",\"value\":\"web\"}]");

    var stalled = s.awaitTrue("Stalled", "ContainerNotFound");
    assertThat(stalled.getMessage()).contains("\"app\"").contains("web");
    assertThat(s.client.resources(SchemaMigration.class).inNamespace(s.namespace).list().getItems())
        .hasSize(1);
  }
}
