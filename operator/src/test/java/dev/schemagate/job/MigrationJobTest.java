package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.schemagate.Fixtures;
import dev.schemagate.api.JobSettings;
import dev.schemagate.api.Locks;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MigrationJobTest {
  static final String APP = "registry.example.com/basketball-api:1.8.0";

  @Test
  void flywayJobRunsTheRunnerOnTheMountedConfigMap() {
    var migration = Fixtures.flywayMigration();
    migration.getSpec().getFlyway().setBaselineVersion("7");

    var job =
        MigrationJob.build(migration, "5c1f0a9e2b", APP, "schemagate:0.1.0", Optional.empty());

    assertThat(job.getMetadata().getName()).isEqualTo("basketball-api-5c1f0a9e2b");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("basketball");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "schemagate")
        .containsEntry("app.kubernetes.io/instance", "basketball-api")
        .containsEntry("schemagate.dev/revision", "5c1f0a9e2b");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("SchemaMigration");
              assertThat(o.getApiVersion()).isEqualTo("schemagate.dev/v1alpha1");
              assertThat(o.getUid()).isEqualTo(migration.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    var spec = job.getSpec();
    assertThat(spec.getParallelism()).isEqualTo(1);
    assertThat(spec.getPodReplacementPolicy()).isEqualTo("Failed");
    assertThat(spec.getBackoffLimit()).isEqualTo(JobSettings.DEFAULT_BACKOFF_LIMIT);
    assertThat(spec.getActiveDeadlineSeconds())
        .isEqualTo(JobSettings.DEFAULT_ACTIVE_DEADLINE_SECONDS);
    assertThat(spec.getTemplate().getMetadata().getLabels())
        .isEqualTo(job.getMetadata().getLabels());

    var pod = spec.getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getConfigMap() != null)
        .singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("basketball-migrations"));

    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("schemagate:0.1.0");
    assertThat(container.getArgs()).containsExactly("migrate");
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/migrations");
              assertThat(m.getReadOnly()).isTrue();
            })
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    var url =
        container.getEnv().stream()
            .filter(e -> e.getName().equals("DATABASE_URL"))
            .findFirst()
            .orElseThrow();
    assertThat(url.getValue()).isNull();
    assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("basketball-db");
    assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
    assertThat(container.getEnv())
        .extracting(EnvVar::getName)
        .contains("MIGRATIONS_DIR", "BASELINE_VERSION");
    assertThat(container.getEnv())
        .contains(new EnvVar("JDK_JAVA_OPTIONS", MigrationJob.RUNNER_JVM_OPTIONS, null));
  }

  @Test
  void commandJobRunsTheGivenImageWithItsLimits() {
    var migration = Fixtures.commandMigration();
    var limits = new JobSettings();
    limits.setBackoffLimit(0);
    limits.setActiveDeadlineSeconds(120L);
    migration.getSpec().setJob(limits);

    var job =
        MigrationJob.build(migration, "abcdef0123", APP, "schemagate:0.1.0", Optional.empty());

    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(120L);
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(APP);
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(MigrationJob.IMAGE_ANNOTATION, APP);
    assertThat(container.getCommand()).containsExactly("alembic");
    assertThat(container.getArgs()).containsExactly("upgrade", "head");
    assertThat(container.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(tuple("DATABASE_URL", null), tuple("PGOPTIONS", "-c lock_timeout=2000ms"));
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("schemagate-tmp");
  }

  @Test
  void aJobEditedOutOfTheSelectorLacksWhatWasEdited() {
    var job = MigrationJob.build(Fixtures.flywayMigration(), "r", APP, "i", Optional.empty());
    assertThat(MigrationJob.missingSelectorLabels(job)).isEmpty();

    job.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "argocd");
    assertThat(MigrationJob.missingSelectorLabels(job))
        .containsExactly("app.kubernetes.io/managed-by=schemagate");

    job.getMetadata().getLabels().remove("app.kubernetes.io/component");
    assertThat(MigrationJob.missingSelectorLabels(job))
        .containsExactly(
            "app.kubernetes.io/managed-by=schemagate", "app.kubernetes.io/component=migration");

    job.getMetadata().setLabels(null);
    assertThat(MigrationJob.missingSelectorLabels(job)).hasSize(2);
  }

  @Test
  void sameInputsBuildTheSameJob() {
    assertThat(MigrationJob.build(Fixtures.flywayMigration(), "r", APP, "i", Optional.empty()))
        .isEqualTo(MigrationJob.build(Fixtures.flywayMigration(), "r", APP, "i", Optional.empty()));
  }

  @Test
  void aCommandWithAnImageOfItsOwnRunsThere() {
    var migration = Fixtures.commandMigration();
    migration.getSpec().getCommand().setImage("registry.example.com/migrator:2");
    var job = MigrationJob.build(migration, "r", APP, "schemagate:0.1.0", Optional.empty());
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/migrator:2");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(MigrationJob.IMAGE_ANNOTATION, APP);
  }

  @Test
  void theRunnerGetsTheLockSettingsWithTheBudgetKeptClearOfTheDeadline() {
    var migration = Fixtures.flywayMigration();
    var locks = new Locks();
    locks.setTimeout("500ms");
    locks.setRetryBudget("1h");
    migration.getSpec().setLocks(locks);
    var limits = new JobSettings();
    limits.setActiveDeadlineSeconds(900L);
    migration.getSpec().setJob(limits);

    var container =
        MigrationJob.build(migration, "r", APP, "i", Optional.empty())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(container.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(tuple("LOCK_TIMEOUT", "500ms"), tuple("LOCK_RETRY_BUDGET", "870s"));
    // The runner sets lock_timeout itself; PGOPTIONS would reach its sessions only through libpq.
    assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain("PGOPTIONS");
  }

  @Test
  void aCommandJobGetsTheLockTimeoutAsPgoptions() {
    var migration = Fixtures.commandMigration();
    var locks = new Locks();
    locks.setTimeout("1m30s");
    migration.getSpec().setLocks(locks);

    var container =
        MigrationJob.build(migration, "r", APP, "i", Optional.empty())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(container.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(tuple("PGOPTIONS", "-c lock_timeout=90000ms"));
  }

  @ParameterizedTest(name = "budget {0}, deadline {1}s: {2}")
  @CsvSource({
    // The defaults: ten minutes of retries in a ten-minute Job would be killed unreported.
    "10m, 600, 570s",
    "5m, 600, 5m",
    "9m30s, 600, 9m30s",
    "10m, 30, 0s",
    "10m, 1, 0s",
    "0s, 600, 0s",
  })
  void theRetryBudgetEndsBeforeTheDeadline(String budget, long deadline, String expected) {
    assertThat(MigrationContainer.retryBudget(Locks.parseDuration(budget), deadline))
        .isEqualTo(Locks.parseDuration(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"2s, 2s", "500ms, 500ms", "10m, 600s", "1m30s500ms, 90500ms", "0s, 0s"})
  void durationsAreWrittenAsTheCrdReadsThem(String in, String out) {
    assertThat(MigrationContainer.duration(Locks.parseDuration(in))).isEqualTo(out);
  }
}
