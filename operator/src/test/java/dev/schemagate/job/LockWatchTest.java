package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.Locks;
import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LockWatchTest {
  private static final Instant STARTED = Instant.parse("2026-12-01T10:00:00Z");
  private static final String REVISION = "abcdef0123";
  private static final String LOG =
      """
      Waiting for a lock: blocked by pid 7 (idle in transaction, transaction open 9s): UPDATE players SET x = 1; V9__x.sql timed out after lock_timeout 500ms; retry 1 in 300ms
      Waiting for a lock: blocked by pid 7 (idle in transaction, transaction open 11s): UPDATE players SET x = 1; V9__x.sql timed out after lock_timeout 500ms; retry 2 in 700ms
      """;

  private final List<String> logsRead = new ArrayList<>();

  private Function<String, Optional<String>> log(String text) {
    return pod -> {
      logsRead.add(pod);
      return Optional.ofNullable(text);
    };
  }

  @Test
  void aRunnerPodRunningLongerThanItsLockTimeoutShowsItsLatestWait() {
    var pod = runnerPod(flyway("500ms"));

    var run = LockWatch.watch(running(), List.of(pod), STARTED.plusMillis(10_500), log(LOG));

    assertThat(run.outcome())
        .isEqualTo(
            new JobOutcome.Running(
                Optional.of(
                    "waiting for a lock: blocked by pid 7 (idle in transaction, transaction open"
                        + " 11s): UPDATE players SET x = 1; V9__x.sql timed out after lock_timeout"
                        + " 500ms; retry 2 in 700ms"),
                Optional.of(LockWatch.INTERVAL)));
    assertThat(logsRead).containsExactly(pod.getMetadata().getName());
  }

  @Test
  void beforeItsStartUpAndLockTimeoutNoLogIsReadAndTheNextLookIsWhenOneCouldSaySomething() {
    var run =
        LockWatch.watch(
            running(), List.of(runnerPod(flyway("2s"))), STARTED.plusMillis(11_500), log(LOG));

    // 10 s for the JVM, the connection and the first scripts, 2 s of lock timeout.
    assertThat(run.outcome())
        .isEqualTo(new JobOutcome.Running(Optional.empty(), Optional.of(Duration.ofMillis(500))));
    assertThat(logsRead).isEmpty();
  }

  @Test
  void aLogWithoutWaitsKeepsTheNoteItHadAndLooksAgain() {
    var note = new JobOutcome.Running(Optional.of("retrying after: exit code 1"));
    var run =
        LockWatch.watch(
            running().withOutcome(note),
            List.of(runnerPod(flyway("500ms"))),
            STARTED.plusSeconds(30),
            log("Applied 1 migration (V8 x); schema at version 8\n"));

    assertThat(run.outcome())
        .isEqualTo(
            new JobOutcome.Running(
                Optional.of("retrying after: exit code 1"), Optional.of(LockWatch.INTERVAL)));
  }

  @Test
  void commandJobsPendingPodsOtherRevisionsAndEndedRunsAreNeverRead() {
    var command = runnerPod(Fixtures.commandMigration());
    var pending =
        new PodBuilder(runnerPod(flyway("500ms")))
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    var other = runnerPod(flyway("500ms"));
    other.getMetadata().getLabels().put(MigrationJob.REVISION_LABEL, "0000000000");
    var later = STARTED.plusSeconds(60);

    for (var pods : List.of(List.of(command), List.of(pending), List.of(other))) {
      assertThat(LockWatch.watch(running(), pods, later, log(LOG))).isEqualTo(running());
    }
    var succeeded = running().withOutcome(new JobOutcome.Succeeded());
    assertThat(LockWatch.watch(succeeded, List.of(runnerPod(flyway("500ms"))), later, log(LOG)))
        .isEqualTo(succeeded);
    assertThat(logsRead).isEmpty();
  }

  private static MigrationRun running() {
    return new MigrationRun(
        "basketball-api-" + REVISION,
        REVISION,
        MigrationJobTest.APP,
        new JobOutcome.Running(Optional.empty()));
  }

  private static SchemaMigration flyway(String lockTimeout) {
    var migration = Fixtures.flywayMigration();
    var locks = new Locks();
    locks.setTimeout(lockTimeout);
    migration.getSpec().setLocks(locks);
    return migration;
  }

  /** A running pod of the Job MigrationJob builds: the Job controller's copy of its template. */
  private static Pod runnerPod(SchemaMigration migration) {
    var template =
        MigrationJob.build(
                migration, REVISION, MigrationJobTest.APP, "schemagate:0.1.0", Optional.empty())
            .getSpec()
            .getTemplate();
    return new PodBuilder()
        .withNewMetadataLike(template.getMetadata())
        .withName("basketball-api-" + REVISION + "-x7k2p")
        .endMetadata()
        .withSpec(template.getSpec())
        .withNewStatus()
        .withPhase("Running")
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("migrate")
                .withNewState()
                .withNewRunning()
                .withStartedAt(STARTED.toString())
                .endRunning()
                .endState()
                .build())
        .endStatus()
        .build();
  }
}
