package dev.schemagate.job;

import dev.schemagate.rehearsal.TerminationReport;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of a revision's rehearsal Job, read from the Job and its pod. Pure.
 *
 * @param job the Job's name
 * @param revision the revision it rehearses
 * @param ended whether it is over
 * @param report its findings, when its container left them
 * @param message otherwise what the Job or its container said; while it runs, why its pod has not
 *     started, if so (a missing Secret, an image pull)
 */
public record RehearsalRun(
    String job,
    String revision,
    boolean ended,
    Optional<TerminationReport> report,
    Optional<String> message) {

  public static RehearsalRun running(String job, String revision) {
    return new RehearsalRun(job, revision, false, Optional.empty(), Optional.empty());
  }

  /** {@code pods}: the SchemaMigration's rehearsal pods; those of the Job's revision count. */
  public static RehearsalRun of(Job job, List<Pod> pods) {
    var labels = Objects.requireNonNullElse(job.getMetadata().getLabels(), java.util.Map.of());
    var revision = (String) labels.get(MigrationJob.REVISION_LABEL);
    var own = MigrationRun.podsOf(revision, pods);
    var terminated =
        own.stream()
            .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
            .flatMap(p -> p.getStatus().getContainerStatuses().stream())
            .filter(c -> RehearsalJob.CONTAINER.equals(c.getName()))
            .map(c -> c.getState() == null ? null : c.getState().getTerminated())
            .filter(Objects::nonNull)
            .findFirst();
    var report =
        terminated.map(ContainerStateTerminated::getMessage).flatMap(TerminationReport::read);
    var name = job.getMetadata().getName();
    if (report.isPresent()) {
      return new RehearsalRun(name, revision, true, report, Optional.empty());
    }
    var failed = JobOutcome.of(job, List.of());
    if (failed instanceof JobOutcome.Failed f) {
      var said =
          terminated
              .map(t -> Objects.requireNonNullElse(t.getMessage(), "exit code " + t.getExitCode()))
              .orElse(f.reason() + ": " + f.message());
      return new RehearsalRun(
          name, revision, true, Optional.empty(), Optional.of(FailureCause.printable(said)));
    }
    if (failed instanceof JobOutcome.Succeeded) {
      return new RehearsalRun(
          name, revision, true, Optional.empty(), Optional.of("the rehearsal left no findings"));
    }
    return new RehearsalRun(
        name, revision, false, Optional.empty(), PodProblem.of(own).map(PodProblem::describe));
  }
}
