package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.Main;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.BasketballExample.Release;
import dev.schemagate.testenv.ReadyPods;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A first install end to end with the built-in Flyway runner, rehearsed: the broken 008 is stopped
 * by its rehearsal on a copy of production's schema, the fixed one passes it (and its re-run) and
 * is migrated. A first install end to end with the built-in Flyway runner: the example applied as a
 * user would, real Job pods running the runner against a real PostgreSQL, the app's pods real
 * processes.
 */
class FlywaySeedStoryIT {
  @Test
  void brokenMigrationIsHeldWithItsSqlErrorAndTheFixIsReleased(@TempDir Path tmp) throws Exception {
    try (var story = new Story("flyway-seed", Map.of()).withOperator()) {
      // The database is at 007, as in the issue.
      var v1ToV7 = Files.createDirectories(tmp.resolve("v1-v7"));
      try (var files = Files.list(BasketballExample.dir().resolve("migrations"))) {
        for (var f : files.filter(f -> !f.getFileName().toString().startsWith("V8__")).toList()) {
          Files.copy(f, v1ToV7.resolve(f.getFileName()));
        }
      }
      assertThat(
              new CommandLine(new Main())
                  .execute("migrate", "--url", story.url, "--dir", v1ToV7.toString()))
          .isZero();
      assertThat(story.query("SELECT max(version::int) FROM flyway_schema_history"))
          .containsExactly("7");

      // Release 1.8: the broken 008. No retries, to keep the test short.
      var schemaBefore = schema(story);
      var appliedBroken = System.nanoTime();
      story.apply(Release.V1_8, FlywaySeedStoryIT::noRetries);

      // Stopped by its rehearsal on a copy: production is never touched, no production Job.
      var stalled = story.awaitTrue("Stalled", "RehearsalFailed");
      var brokenMs = (System.nanoTime() - appliedBroken) / 1_000_000;
      assertThat(stalled.getMessage())
          .contains(
              "rehearsal failed: V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\""
                  + " already exists")
          .contains("production untouched");
      var rehearsal = story.migration().getStatus().getRehearsal();
      assertThat(rehearsal.getResult()).isEqualTo("Failed");
      assertThat(rehearsal.getFailingStatement()).isEqualTo("V8__add_team_model.sql");
      assertThat(rehearsal.getSqlState()).isEqualTo("42710");
      assertThat(story.awaitWarnings("RehearsalFailed"))
          .singleElement()
          .satisfies(e -> assertThat(e.getMessage()).contains("type \"division\" already exists"));
      assertThat(story.jobs())
          .as("only the rehearsal's Job: no production Job")
          .singleElement()
          .satisfies(j -> assertThat(j.getMetadata().getName()).contains("-rehearse-"));
      assertThat(story.readyReplicas()).isZero();
      assertThat(story.appStarts()).as("app processes started while 008 was broken").isZero();
      assertThat(story.tableExists("teams")).isFalse();
      assertThat(story.query("SELECT max(version::int) FROM flyway_schema_history WHERE success"))
          .containsExactly("7");
      assertThat(story.query("SELECT count(*) FROM flyway_schema_history")).containsExactly("7");
      assertThat(schema(story)).as("production's schema").isEqualTo(schemaBefore);
      assertThat(story.query("SELECT count(*) FROM pg_database WHERE datname LIKE 'schemagate%'"))
          .as("scratch databases left")
          .containsExactly("0");

      // Release 1.8.1: 008 fixed. The ConfigMap and the image change, a new revision runs, the
      // app starts.
      var applied = System.nanoTime();
      var ready = new ReadyPods(story.client, story.namespace, Story.APP, Duration.ZERO, c -> {});
      story.apply(Release.V1_8_1, FlywaySeedStoryIT::noRetries);
      var jobDone = new long[1];
      var released = new long[1];
      await()
          .atMost(Story.TIMEOUT)
          .pollInterval(Duration.ofMillis(25))
          .until(
              () -> {
                var now = System.nanoTime();
                if (jobDone[0] == 0
                    && story.jobs().stream()
                        .filter(j -> !j.getMetadata().getName().contains("-rehearse-"))
                        .anyMatch(FlywaySeedStoryIT::complete)) {
                  jobDone[0] = now;
                }
                if (released[0] == 0 && story.readyReplicas() > 0) {
                  released[0] = now;
                }
                return Map.of(Release.V1_8_1.image, 3).equals(ready.now());
              });
      var available = System.nanoTime();
      story.awaitTrue("Ready", "Migrated");
      var passed = story.migration().getStatus().getRehearsal();
      assertThat(passed.getResult()).isEqualTo("Passed");
      assertThat(passed.getIdempotency())
          .as("the fixed 008 runs again on its own result")
          .isEqualTo("Passed");
      assertThat(passed.getChanges())
          .anySatisfy(
              c -> {
                assertThat(c.getKind()).isEqualTo("table");
                assertThat(c.getName()).isEqualTo("teams");
                assertThat(c.getChange()).startsWith("added");
              });
      assertThat(story.warnings("RehearsalSkipped")).isEmpty();
      // The ConfigMap reaches the API server before the Deployment, so the fixed scripts may run
      // once with the image still deployed (1.8) and then, a no-op, with 1.8.1: both are migrated.
      assertThat(story.migration().getStatus().getMigrated().get(0).getImage())
          .isEqualTo(Release.V1_8_1.image);
      var starts = story.appStarts();
      assertThat(
              story.query(
                  "SELECT column_name FROM information_schema.columns WHERE table_name = 'teams'"))
          .containsExactlyInAnyOrder(
              "id", "tenant_id", "name", "division", "age_group", "coach_id", "created_at");
      assertThat(story.query("SELECT indexname FROM pg_indexes WHERE tablename = 'teams'"))
          .contains("ix_teams_tenant_id", "ix_teams_coach_id");
      assertThat(
              story.query(
                  "SELECT column_name FROM information_schema.columns"
                      + " WHERE table_name = 'players' AND column_name = 'team_id'"))
          .containsExactly("team_id");
      assertThat(story.query("SELECT max(version::int) FROM flyway_schema_history WHERE success"))
          .containsExactly("8");

      // Applying the same release again starts nothing.
      var jobs = story.jobs().size();
      story.apply(Release.V1_8_1, FlywaySeedStoryIT::noRetries);
      // Looked at for a while, since nothing is what is expected: no Job appears.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(story.jobs()).hasSize(jobs));
      assertThat(story.appStarts()).isEqualTo(starts);

      // What the rehearsal adds before the production Job: between the two Jobs' creation (the
      // API server's times have whole seconds).
      var revision = story.migration().getStatus().getAppliedRevision();
      var rehearsalJob = created(story, Story.APP + "-rehearse-" + revision);
      var productionJob = created(story, Story.APP + "-" + revision);
      System.out.printf(
          "e2e_flyway apply_to_available_ms=%d job_ms=%d job_complete_to_first_ready_ms=%d"
              + " broken_apply_to_rehearsal_failed_ms=%d rehearsal_s=%s"
              + " rehearsal_job_to_production_job_s=%d%n",
          (available - applied) / 1_000_000,
          (jobDone[0] - applied) / 1_000_000,
          (released[0] - jobDone[0]) / 1_000_000,
          brokenMs,
          passed.getDurationSeconds(),
          java.time.Duration.between(rehearsalJob, productionJob).toSeconds());
    }
  }

  /** Production's tables and columns with their types, to tell that nothing changed. */
  static java.util.List<String> schema(Story story) throws java.sql.SQLException {
    return story.query(
        "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable"
            + " FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1");
  }

  static java.time.Instant created(Story story, String job) {
    return java.time.Instant.parse(
        story.jobs().stream()
            .filter(j -> j.getMetadata().getName().equals(job))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Job " + job))
            .getMetadata()
            .getCreationTimestamp());
  }

  static boolean complete(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @SuppressWarnings("unchecked")
  static void noRetries(HasMetadata item) {
    if (item instanceof GenericKubernetesResource resource
        && "SchemaMigration".equals(resource.getKind())) {
      var spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
      ((Map<String, Object>) spec.get("job")).put("backoffLimit", 0);
    }
  }
}
