package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Migration 8 fails; on-call reads the SQL error on the resource; a fix or a retry goes on. */
@ExtendWith(Scenario.PerTest.class)
class FailureIT {
  static final Map<String, String> BROKEN_V8 =
      Map.of(
          "V1__init.sql",
          "create type division as enum ('east', 'west');",
          "V8__add_team_model.sql",
          "create type division as enum ('east', 'west');\n"
              + "create table team (id bigint primary key);");
  static final Map<String, String> FIXED_V8 =
      Map.of(
          "V1__init.sql", "create type division as enum ('east', 'west');",
          "V8__add_team_model.sql",
              "create table team (id bigint primary key, division division not null);");

  /** The pods stay held, the SQL error is in Stalled and in one Warning Event. */
  @Test
  void failedJobStallsWithTheSqlErrorAndKeepsThePodsHeld(Scenario s) {
    var job = failAtV8(s);

    var stalled = s.condition("Stalled").orElseThrow();
    assertThat(stalled.getMessage())
        .contains(Scenario.V8_FAILURE)
        .startsWith(
            "no pods serving; %s held (%d pods gated): Job \"%s\" failed (BackoffLimitExceeded): "
                .formatted(Scenario.APP_IMAGE, Scenario.APP_REPLICAS, job.getMetadata().getName()))
        .contains("schemagate.dev/retry");
    assertThat(s.condition("Ready").orElseThrow())
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("MigrationFailed");
            });
    assertThat(s.condition("Reconciling").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(s.migration().getStatus().getAppliedRevision()).isNull();

    var migration = s.migration();
    var warning =
        await()
            .atMost(Scenario.TIMEOUT)
            .until(() -> s.events("MigrationFailed"), e -> !e.isEmpty())
            .get(0);
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getMessage())
        .isEqualTo("Job %s failed: %s", job.getMetadata().getName(), Scenario.V8_FAILURE);
    assertThat(warning.getInvolvedObject().getKind()).isEqualTo("SchemaMigration");
    assertThat(warning.getInvolvedObject().getName()).isEqualTo(APP);
    assertThat(warning.getInvolvedObject().getUid()).isEqualTo(migration.getMetadata().getUid());
    assertThat(warning.getSource().getComponent()).isEqualTo("schemagate");

    // Held, no retry pod (backoffLimit 0), no second Job, no second Warning.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                s.appPods().stream().allMatch(Scenario::gated)
                    && s.jobs().size() == 1
                    && s.pods(job.getMetadata().getName()).size() == 1);
    assertThat(s.events("MigrationFailed")).hasSize(1);
    assertThat(s.events("Released")).isEmpty();
  }

  @Test
  void fixedMigrationStartsASecondJobAndReleasesOnSuccess(Scenario s) {
    var failed = failAtV8(s);

    s.putMigrations(FIXED_V8);
    var revision = s.expectedRevision(FIXED_V8);
    var fixed = s.awaitJob(APP + "-" + revision);
    assertThat(fixed.getMetadata().getName()).isNotEqualTo(failed.getMetadata().getName());
    s.awaitTrue("Reconciling", "MigrationRunning");
    assertThat(s.migration().getStatus().getJob()).isEqualTo(fixed.getMetadata().getName());
    assertThat(s.jobs()).hasSize(2);
    assertThat(s.appPods()).isNotEmpty().allMatch(Scenario::gated);

    s.succeed(fixed);

    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.migration().getStatus().getAppliedRevision()).isEqualTo(revision);
    assertThat(s.condition("Stalled").orElseThrow().getStatus()).isEqualTo("False");
  }

  @Test
  void retryAnnotationStartsANewJobForTheSameMigration(Scenario s) {
    var failed = failAtV8(s);
    var failedRevision = s.migration().getStatus().getRevision();

    // Say the DBA dropped the stray type by hand: run the same migration again.
    s.editMigration(
        m -> {
          var annotations = new HashMap<String, String>();
          if (m.getMetadata().getAnnotations() != null) {
            annotations.putAll(m.getMetadata().getAnnotations());
          }
          annotations.put(SchemaMigration.RETRY_ANNOTATION, "after-manual-fix-1");
          m.getMetadata().setAnnotations(annotations);
          return m;
        });

    var retry =
        await().atMost(Scenario.TIMEOUT).until(s::jobs, jobs -> jobs.size() == 2).stream()
            .filter(j -> !j.getMetadata().getName().equals(failed.getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    s.awaitTrue("Reconciling", "MigrationRunning");
    var status = s.migration().getStatus();
    assertThat(status.getRevision()).isNotEqualTo(failedRevision);
    assertThat(status.getJob())
        .isEqualTo(retry.getMetadata().getName())
        .isEqualTo(APP + "-" + status.getRevision());
    assertThat(s.appPods()).isNotEmpty().allMatch(Scenario::gated);

    s.succeed(retry);

    s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.awaitTrue("Ready", "Migrated");
  }

  /**
   * Runs the broken migration 8 with backoffLimit 0 and fails its pod as the runner would; returns
   * the failed Job.
   */
  static Job failAtV8(Scenario s) {
    s.startOperator();
    s.putMigrations(BROKEN_V8);
    var migration = Scenario.migrationFor(s.namespace);
    var limits = new JobSettings();
    limits.setBackoffLimit(0);
    migration.getSpec().setJob(limits);
    s.createMigration(migration);
    s.createDeployment();

    var job = s.awaitOnlyJob();
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
    s.fail(job, Scenario.V8_FAILURE);

    await().atMost(Scenario.TIMEOUT).until(() -> Scenario.hasCondition(s.jobs().get(0), "Failed"));
    s.awaitTrue("Stalled", "MigrationFailed");
    assertThat(s.appPods()).isNotEmpty().allMatch(Scenario::gated);
    return job;
  }
}
