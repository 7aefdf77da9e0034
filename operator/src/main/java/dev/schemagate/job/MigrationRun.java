package dev.schemagate.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One migration Job of a SchemaMigration: which revision and image it migrates, and how it went.
 *
 * @param started when the Job controller started the Job (else when it was created)
 * @param finished when it ended: its succeeded pod's finishedAt, or its Failed condition's time
 */
public record MigrationRun(
    String job,
    String revision,
    String image,
    JobOutcome outcome,
    Optional<Instant> started,
    Optional<Instant> finished) {

  /** A run whose times are not known: the decision needs none. */
  public MigrationRun(String job, String revision, String image, JobOutcome outcome) {
    this(job, revision, image, outcome, Optional.empty(), Optional.empty());
  }

  /**
   * {@code pods}: the migration pods of this SchemaMigration; those of the Job's revision count.
   */
  public static MigrationRun of(Job job, List<Pod> pods) {
    var meta = job.getMetadata();
    var revision = labels(meta.getLabels()).get(MigrationJob.REVISION_LABEL);
    var own = podsOf(revision, pods);
    var outcome = JobOutcome.of(job, own);
    var status = job.getStatus();
    var started =
        time(status == null ? null : status.getStartTime())
            .or(() -> time(meta.getCreationTimestamp()));
    return new MigrationRun(
        meta.getName(),
        revision,
        labels(meta.getAnnotations()).get(MigrationJob.IMAGE_ANNOTATION),
        outcome,
        started,
        finished(job, own, outcome));
  }

  /** The pods of this revision among a SchemaMigration's migration pods. */
  static List<Pod> podsOf(String revision, List<Pod> pods) {
    return pods.stream()
        .filter(
            p ->
                Objects.equals(
                    revision, labels(p.getMetadata().getLabels()).get(MigrationJob.REVISION_LABEL)))
        .toList();
  }

  private static Optional<Instant> finished(Job job, List<Pod> pods, JobOutcome outcome) {
    var status = job.getStatus();
    if (outcome instanceof JobOutcome.Succeeded) {
      // The pod's exit is the migration's end; the Job's completionTime follows it.
      return pods.stream()
          .flatMap(MigrationRun::containerStatuses)
          .map(ContainerStatus::getState)
          .filter(st -> st != null && st.getTerminated() != null)
          .filter(st -> Integer.valueOf(0).equals(st.getTerminated().getExitCode()))
          .flatMap(st -> time(st.getTerminated().getFinishedAt()).stream())
          .max(Instant::compareTo)
          .or(() -> time(status == null ? null : status.getCompletionTime()));
    }
    if (outcome instanceof JobOutcome.Failed && status != null && status.getConditions() != null) {
      return status.getConditions().stream()
          .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
          .flatMap(c -> time(c.getLastTransitionTime()).stream())
          .findFirst();
    }
    return Optional.empty();
  }

  private static Stream<ContainerStatus> containerStatuses(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? Stream.empty()
        : pod.getStatus().getContainerStatuses().stream();
  }

  /** A time as the API server writes it (RFC 3339), if set. */
  private static Optional<Instant> time(String rfc3339) {
    return Optional.ofNullable(rfc3339).map(Instant::parse);
  }

  public MigrationRun withOutcome(JobOutcome outcome) {
    return new MigrationRun(job, revision, image, outcome, started, finished);
  }

  private static Map<String, String> labels(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
