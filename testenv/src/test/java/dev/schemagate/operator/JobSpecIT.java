package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.job.MigrationJob;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one Job a new SchemaMigration gets, as the API server stores it, and the Deployment held
 * meanwhile.
 */
@ExtendWith(Scenario.PerTest.class)
class JobSpecIT {
  @Test
  void createsExactlyOneJobForTheRevisionAndHoldsThePodsOfItsImage(Scenario s) {
    s.putMigrations(Scenario.V1);
    var migration = s.createMigration();
    s.createDeployment();
    s.startOperator();

    var job = s.awaitOnlyJob();
    var revision = s.expectedRevision(Scenario.V1);
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(MigrationJob.IMAGE_ANNOTATION, Scenario.APP_IMAGE);
    // Every later reconcile (status patch, Deployment and pod events) finds that Job and makes no
    // other.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> s.jobs().size() == 1);

    var meta = job.getMetadata();
    assertThat(meta.getName()).isEqualTo(APP + "-" + revision);
    assertThat(revision).matches("[0-9a-f]{10}");
    assertThat(meta.getLabels())
        .containsAllEntriesOf(
            Map.of(
                "app.kubernetes.io/name", "schemagate",
                "app.kubernetes.io/instance", APP,
                "app.kubernetes.io/component", "migration",
                "app.kubernetes.io/managed-by", "schemagate",
                "schemagate.dev/revision", revision));
    assertThat(meta.getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getApiVersion())
                  .isEqualTo(SchemaMigration.GROUP + "/" + SchemaMigration.VERSION);
              assertThat(owner.getKind()).isEqualTo("SchemaMigration");
              assertThat(owner.getName()).isEqualTo(APP);
              assertThat(owner.getUid()).isEqualTo(migration.getMetadata().getUid());
              assertThat(owner.getController()).isTrue();
              assertThat(owner.getBlockOwnerDeletion()).isTrue();
            });

    var spec = job.getSpec();
    assertThat(spec.getPodReplacementPolicy()).isEqualTo("Failed");
    assertThat(spec.getParallelism()).isEqualTo(1);
    assertThat(spec.getCompletions()).isEqualTo(1);
    assertThat(spec.getBackoffLimit()).isEqualTo(2);
    assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(600L);

    var pod = spec.getTemplate().getSpec();
    assertThat(spec.getTemplate().getMetadata().getLabels())
        .containsEntry("schemagate.dev/revision", revision);
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("schemagate-migrations");
              assertThat(v.getConfigMap().getName()).isEqualTo(Scenario.MIGRATIONS);
            });

    var container = pod.getContainers().get(0);
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(container.getImage()).isEqualTo(Scenario.RUNNER_IMAGE);
    assertThat(container.getArgs()).containsExactly("migrate");
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    var security = container.getSecurityContext();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("DATABASE_URL");
              assertThat(env.getValue()).isNull();
              assertThat(env.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo(Scenario.DB_SECRET);
              assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(Scenario.DB_KEY);
            });
    assertThat(container.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(tuple("MIGRATIONS_DIR", MigrationJob.MIGRATIONS_DIR));
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("schemagate-migrations");
              assertThat(m.getMountPath()).isEqualTo("/migrations");
              assertThat(m.getReadOnly()).isTrue();
            });

    // The Job controller accepted the template and made the pod; it waits for a node that never
    // comes.
    var migrationPod = s.awaitPod(job);
    assertThat(migrationPod.getStatus().getPhase()).isEqualTo("Pending");

    s.awaitTrue("Reconciling", "MigrationRunning");
    var expected =
        "no pods serving; %s held (%d pods gated): Job \"%s\" is migrating image %s (revision %s)"
            .formatted(
                Scenario.APP_IMAGE,
                Scenario.APP_REPLICAS,
                meta.getName(),
                Scenario.APP_IMAGE,
                revision);
    // And the scheduler says so, as the message does.
    await()
        .atMost(Scenario.TIMEOUT)
        .until(
            () -> s.condition("Reconciling").orElseThrow().getMessage(),
            m ->
                m.startsWith(
                    expected
                        + "; pod "
                        + migrationPod.getMetadata().getName()
                        + ": Unschedulable: "));
    var status = s.migration().getStatus();
    assertThat(status.getRevision()).isEqualTo(revision);
    assertThat(status.getJob()).isEqualTo(meta.getName());
    assertThat(status.getAppliedRevision()).isNull();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(s.condition("Ready").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(s.condition("Stalled").orElseThrow().getStatus()).isEqualTo("False");
    // A started Job is no Event of ours (an API write per migration): the condition says so, and
    // the Job has its own Events.
    assertThat(s.events("MigrationStarted")).isEmpty();
  }
}
