package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a migration Job started and ended, as its metrics read it. */
class MigrationRunTest {
  static final String CREATED = "2026-11-24T09:00:00Z";
  static final String STARTED = "2026-11-24T09:00:01Z";

  static Job job(String startTime, String completionTime, String failedAt) {
    var status =
        new JobBuilder()
            .withNewMetadata()
            .withName("m-r")
            .withCreationTimestamp(CREATED)
            .withLabels(Map.of(MigrationJob.REVISION_LABEL, "r"))
            .endMetadata()
            .withNewStatus()
            .withStartTime(startTime)
            .withCompletionTime(completionTime);
    if (failedAt != null) {
      status
          .addNewCondition()
          .withType("Failed")
          .withStatus("True")
          .withReason("BackoffLimitExceeded")
          .withLastTransitionTime(failedAt)
          .endCondition();
    }
    return status.endStatus().build();
  }

  /** A pod of revision r that exited so. */
  static Pod exited(int exitCode, String finishedAt, String phase) {
    var pod = JobOutcomeTest.terminated("m-r-" + exitCode, exitCode, null, finishedAt);
    return new PodBuilder(pod)
        .editMetadata()
        .withLabels(Map.of(MigrationJob.REVISION_LABEL, "r"))
        .endMetadata()
        .editStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  @Test
  void aSucceededRunEndsWhenItsPodExitedBeforeTheJobSaysComplete() {
    var run =
        MigrationRun.of(
            job(STARTED, null, null),
            List.of(
                exited(1, "2026-11-24T09:00:05Z", "Failed"),
                exited(0, "2026-11-24T09:00:42Z", "Succeeded")));
    assertThat(run.outcome()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(run.started()).contains(Instant.parse(STARTED));
    assertThat(run.finished()).contains(Instant.parse("2026-11-24T09:00:42Z"));
  }

  @Test
  void aFailedRunEndsAtItsFailedCondition() {
    var run =
        MigrationRun.of(
            job(STARTED, null, "2026-11-24T09:00:09Z"),
            List.of(exited(1, "2026-11-24T09:00:08Z", "Failed")));
    assertThat(run.outcome()).isInstanceOf(JobOutcome.Failed.class);
    assertThat(run.finished()).contains(Instant.parse("2026-11-24T09:00:09Z"));
  }

  @Test
  void aJobNotYetStartedCountsFromItsCreationAndARunningOneHasNoEnd() {
    var run = MigrationRun.of(job(null, null, null), List.of());
    assertThat(run.started()).contains(Instant.parse(CREATED));
    assertThat(run.finished()).isEqualTo(Optional.empty());
  }
}
