package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.JobSettings;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.bench.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SchemaGate's own series on the /metrics of the operator jar, as production runs it, after a
 * migration that succeeds and one that fails on the control plane (the test plays the kubelet for
 * the migration pods).
 */
@ExtendWith(Scenario.PerTest.class)
class MetricsIT {
  static final String BROKEN = "scoreboard";

  @Test
  void countsASucceededAndAFailedMigrationHeldPodsAndReleases(Scenario s) throws Exception {
    try (var operator =
        OperatorProcess.start(
            s.plane.kubeconfig(),
            List.of("-XX:TieredStopAtLevel=1"),
            List.of("--namespaces=" + s.namespace, "--runner-image=" + Scenario.RUNNER_IMAGE),
            Map.of(),
            Path.of("target/metrics-it/" + s.namespace + "-operator.log").toAbsolutePath())) {
      operator.awaitReady(Duration.ofSeconds(60));

      // The app's first version: held until its migration succeeds.
      s.putMigrations(Scenario.V1);
      s.createMigration();
      s.createDeployment();
      var job = s.awaitOnlyJob();
      s.awaitHeld(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
      var held = awaitMetrics(operator, m -> value(m, "schemagate_held_pods", Scenario.APP) == 2);
      assertThat(value(held, "schemagate_migrations_total", Scenario.APP, "result=\"succeeded\""))
          .as("both results are there from the start")
          .isZero();
      assertThat(value(held, "schemagate_migrations_total", Scenario.APP, "result=\"failed\""))
          .isZero();
      // The oldest held pod's age is read at scrape time: it grows between scrapes.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          value(
                              operator.metrics(),
                              "schemagate_oldest_held_pod_age_seconds",
                              Scenario.APP))
                      .isGreaterThanOrEqualTo(1.0));

      s.succeed(job);
      s.awaitReleased(Scenario.APP_IMAGE, Scenario.APP_REPLICAS);
      s.awaitTrue("Ready", "Migrated");
      var migrated =
          awaitMetrics(operator, m -> value(m, "schemagate_held_pods", Scenario.APP) == 0);
      assertThat(
              value(migrated, "schemagate_migrations_total", Scenario.APP, "result=\"succeeded\""))
          .isEqualTo(1);
      assertThat(value(migrated, "schemagate_migrations_total", Scenario.APP, "result=\"failed\""))
          .isZero();
      assertThat(value(migrated, "schemagate_oldest_held_pod_age_seconds", Scenario.APP)).isZero();
      assertThat(value(migrated, "schemagate_migration_stalled", Scenario.APP)).isZero();
      assertThat(
              sum(migrated, "schemagate_migration_duration_seconds_count", "result=\"succeeded\""))
          .isEqualTo(1);
      assertThat(sum(migrated, "schemagate_release_latency_seconds_count"))
          .as("one per released pod")
          .isEqualTo(Scenario.APP_REPLICAS);
      // finishedAt has whole seconds, and the machine is loaded: bounds, not ReleaseIT's second.
      assertThat(sum(migrated, "schemagate_release_latency_seconds_sum"))
          .isPositive()
          .isLessThan(Scenario.APP_REPLICAS * Scenario.TIMEOUT.toSeconds());
      System.out.printf(
          "[metrics] after the release:%n%s%n",
          String.join("\n", migrated.lines().filter(l -> l.startsWith("schemagate_")).toList()));

      // A second app whose migration fails: Stalled, its pods held.
      s.putMigrations(BROKEN, Map.of("V1__init.sql", "this is not sql;"));
      // On a database of its own: one SchemaMigration per database.
      var broken = Scenario.migrationFor(s.namespace, BROKEN, BROKEN, BROKEN + "-db");
      var limits = new JobSettings();
      limits.setBackoffLimit(0);
      broken.getSpec().setJob(limits);
      s.createMigration(broken);
      s.createDeployment(BROKEN);
      var brokenJob =
          await().atMost(Scenario.TIMEOUT).until(() -> s.jobs(BROKEN), j -> j.size() == 1);
      s.fail(
          brokenJob.get(0),
          "V1__init.sql: SQLSTATE 42601: ERROR: syntax error at or near \"this\"");
      s.awaitTrue(BROKEN, "Stalled", "MigrationFailed");
      var failed =
          awaitMetrics(operator, m -> value(m, "schemagate_migration_stalled", BROKEN) == 1);
      assertThat(value(failed, "schemagate_migrations_total", BROKEN, "result=\"failed\""))
          .isEqualTo(1);
      assertThat(value(failed, "schemagate_migrations_total", BROKEN, "result=\"succeeded\""))
          .isZero();
      assertThat(value(failed, "schemagate_held_pods", BROKEN)).isEqualTo(Scenario.APP_REPLICAS);
      assertThat(sum(failed, "schemagate_migration_duration_seconds_count", "result=\"failed\""))
          .isEqualTo(1);
      // The first app's series did not move.
      assertThat(value(failed, "schemagate_migrations_total", Scenario.APP, "result=\"succeeded\""))
          .isEqualTo(1);
      // No image or pod names in our labels.
      assertThat(failed.lines().filter(l -> l.startsWith("schemagate_")))
          .isNotEmpty()
          .noneMatch(l -> l.contains(Scenario.APP_IMAGE) || l.contains("pod="));
      assertThat(failed).contains("operator_sdk_reconciliations_started_total");
    }
  }

  /** The sample of {@code name} for the SchemaMigration {@code app} of this test's namespace. */
  private static double value(String metrics, String name, String app, String... labels) {
    var all = new String[labels.length + 1];
    all[0] = "name=\"" + app + "\"";
    System.arraycopy(labels, 0, all, 1, labels.length);
    return Metrics.sum(metrics, name, all);
  }

  private static double sum(String metrics, String name, String... labels) {
    return Metrics.sum(metrics, name, labels);
  }

  private static String awaitMetrics(
      OperatorProcess operator, java.util.function.Predicate<String> until) {
    return await().atMost(Scenario.TIMEOUT).until(() -> scrape(operator), until);
  }

  private static String scrape(OperatorProcess operator) {
    try {
      return operator.metrics();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
