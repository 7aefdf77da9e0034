package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobOutcomeTest {
  static Job job(String... trueConditions) {
    var builder = new JobBuilder().withNewMetadata().withName("m-r").endMetadata().withNewStatus();
    for (var type : trueConditions) {
      builder
          .addNewCondition()
          .withType(type)
          .withStatus("True")
          .withReason(type.equals("Failed") ? "BackoffLimitExceeded" : null)
          .endCondition();
    }
    return builder.endStatus().build();
  }

  static Pod pod(String name, ContainerStatus status) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(status)
        .endStatus()
        .build();
  }

  static Pod terminated(String name, int exitCode, String message, String finishedAt) {
    return pod(
        name,
        new ContainerStatusBuilder()
            .withName("migrate")
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withMessage(message)
            .withReason("Error")
            .withStartedAt(finishedAt)
            .withFinishedAt(finishedAt)
            .endTerminated()
            .endState()
            .build());
  }

  static Pod waiting(String name, String reason, String message) {
    return pod(
        name,
        new ContainerStatusBuilder()
            .withName("migrate")
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .build());
  }

  @Test
  void noJobIsAbsent() {
    assertThat(JobOutcome.of(null, List.of())).isEqualTo(new JobOutcome.Absent());
  }

  @Test
  void completeIsSucceeded() {
    assertThat(JobOutcome.of(job("SuccessCriteriaMet", "Complete"), List.of()))
        .isEqualTo(new JobOutcome.Succeeded());
  }

  @Test
  void aSucceededPodIsSucceededBeforeTheJobSaysSo() {
    var succeeded = terminated("p", 0, "", "2026-11-24T09:00:00Z");
    succeeded.getStatus().setPhase("Succeeded");
    assertThat(JobOutcome.of(job(), List.of(succeeded))).isEqualTo(new JobOutcome.Succeeded());
    // Exit 0 on a pod still reported Running (the kubelet's phase lags) is not yet success.
    assertThat(JobOutcome.of(job(), List.of(terminated("q", 0, "", "2026-11-24T09:00:00Z"))))
        .isInstanceOf(JobOutcome.Running.class);
  }

  @Test
  void failedCarriesTheLatestPodTerminationMessage() {
    var pods =
        List.of(
            terminated(
                "m-r-1",
                1,
                "V8__add_team_model.sql: SQLSTATE 42710: older attempt",
                "2026-11-24T09:00:01Z"),
            terminated(
                "m-r-2",
                1,
                "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists\n",
                "2026-11-24T09:00:09Z"));

    assertThat(JobOutcome.of(job("FailureTarget", "Failed"), pods))
        .isEqualTo(
            new JobOutcome.Failed(
                "BackoffLimitExceeded",
                "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists"));
  }

  @Test
  void failedWithoutMessageSaysTheExitCode() {
    assertThat(
            JobOutcome.of(
                job("Failed"), List.of(terminated("p", 137, null, "2026-11-24T09:00:01Z"))))
        .isEqualTo(new JobOutcome.Failed("BackoffLimitExceeded", "exit code 137 (Error)"));
  }

  @Test
  void failureTargetAloneIsStillRunning() {
    // Kubernetes sets FailureTarget first and Failed once the pods are gone: wait for the verdict.
    assertThat(JobOutcome.of(job("FailureTarget"), List.of()))
        .isInstanceOf(JobOutcome.Running.class);
  }

  @Test
  void runningSaysWhatBlocksThePod() {
    var outcome =
        JobOutcome.of(
            job(),
            List.of(
                waiting(
                    "m-r-1", "CreateContainerConfigError", "secret \"basketball-db\" not found")));
    var problem =
        new PodProblem("m-r-1", "CreateContainerConfigError", "secret \"basketball-db\" not found");
    assertThat(outcome)
        .isEqualTo(
            new JobOutcome.Running(
                Optional.of(
                    "pod m-r-1: CreateContainerConfigError: secret \"basketball-db\" not found"),
                Optional.empty(),
                Optional.of(problem),
                false));
    assertThat(problem.configuration()).isTrue();
  }

  @Test
  void aContainerKilledBeforeItRanHasNotStarted() {
    var never =
        new PodBuilder()
            .withNewMetadata()
            .withName("m-r-1")
            .endMetadata()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("migrate")
            .withNewState()
            .withNewTerminated()
            .withExitCode(137)
            .withReason("ContainerStatusUnknown")
            .withMessage("The container could not be located when the pod was terminated")
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    assertThat(((JobOutcome.Running) JobOutcome.of(job(), List.of(never))).started()).isFalse();
    assertThat(
            ((JobOutcome.Running)
                    JobOutcome.of(
                        job(), List.of(terminated("m-r-1", 1, "boom", "2026-11-24T09:00:01Z"))))
                .started())
        .isTrue();
  }

  @Test
  void runningIgnoresOrdinaryStartAndReportsEarlierAttempts() {
    assertThat(JobOutcome.of(job(), List.of(waiting("m-r-2", "ContainerCreating", null))))
        .isEqualTo(new JobOutcome.Running(Optional.empty()));
    assertThat(
            JobOutcome.of(job(), List.of(terminated("m-r-1", 1, "boom", "2026-11-24T09:00:01Z"))))
        .isEqualTo(
            new JobOutcome.Running(
                Optional.of("retrying after: boom"), Optional.empty(), Optional.empty(), true));
  }

  @Test
  void anEarlierAttemptsTracebackIsReportedByItsCauseWithoutThePassword() {
    var tail =
        """
          File "/app/migrations/env.py", line 81, in run_migrations_online
            context.run_migrations()
        sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at         "db" failed: FATAL:  password authentication failed for user "app"
        (Background on this error at: https://sqlalche.me/e/20/e3q8)
        using postgresql://app:s3cret@db:5432/app
        """;
    var note =
        ((JobOutcome.Running)
                JobOutcome.of(job(), List.of(terminated("m-r-1", 1, tail, "2026-11-24T09:00:01Z"))))
            .note()
            .orElseThrow();
    assertThat(note)
        .startsWith("retrying after: ")
        .contains("password authentication failed")
        .doesNotContain("s3cret")
        .doesNotContain("\n");
  }

  @Test
  void longMessagesAreCutToWhatKubernetesKeeps() {
    var outcome =
        (JobOutcome.Failed)
            JobOutcome.of(job("Failed"), List.of(terminated("p", 1, "x".repeat(10_000), "t")));
    assertThat(outcome.message()).hasSize(JobOutcome.MAX_MESSAGE);
  }

  /**
   * 4 KiB of binary from a container that wrote garbage: cut to what Kubernetes keeps, and safe.
   */
  @Test
  void aBinaryTerminationMessageBecomesPrintable() {
    var random = new java.util.Random(4096);
    var bytes = new byte[4096];
    random.nextBytes(bytes);
    var binary = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    var outcome =
        (JobOutcome.Failed)
            JobOutcome.of(job("Failed"), List.of(terminated("p", 1, "x" + binary, "t")));
    assertThat(outcome.message()).hasSizeLessThanOrEqualTo(JobOutcome.MAX_MESSAGE);
    assertThat(outcome.message().chars())
        .allSatisfy(
            c ->
                assertThat(Character.getType(c) != Character.CONTROL || c == '\n' || c == '\t')
                    .as("U+%04X", c)
                    .isTrue());
  }

  @Test
  void terminalEscapesAndBidiOverridesAreReplacedNewlinesKept() {
    assertThat(
            JobOutcome.printable("\u001b[2J\u0000ok\u202egnp.exe\nline 2\ttab \uD83D\uDE80 \uD800"))
        .isEqualTo("\uFFFD[2J\uFFFDok\uFFFDgnp.exe\nline 2\ttab \uD83D\uDE80 \uFFFD");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    var message = "x".repeat(JobOutcome.MAX_MESSAGE - 1) + "\uD83D\uDE80";
    var outcome =
        (JobOutcome.Failed) JobOutcome.of(job("Failed"), List.of(terminated("p", 1, message, "t")));
    assertThat(outcome.message()).isEqualTo("x".repeat(JobOutcome.MAX_MESSAGE - 1));
  }
}
