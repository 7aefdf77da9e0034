package dev.schemagate.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One migration Job of a SchemaMigration: which revision and image it migrates, and how it went.
 */
public record MigrationRun(String job, String revision, String image, JobOutcome outcome) {

  /**
   * {@code pods}: the migration pods of this SchemaMigration; those of the Job's revision count.
   */
  public static MigrationRun of(Job job, List<Pod> pods) {
    var meta = job.getMetadata();
    var revision = labels(meta.getLabels()).get(MigrationJob.REVISION_LABEL);
    var own =
        pods.stream()
            .filter(
                p ->
                    Objects.equals(
                        revision,
                        labels(p.getMetadata().getLabels()).get(MigrationJob.REVISION_LABEL)))
            .toList();
    return new MigrationRun(
        meta.getName(),
        revision,
        labels(meta.getAnnotations()).get(MigrationJob.IMAGE_ANNOTATION),
        JobOutcome.of(job, own));
  }

  public MigrationRun withOutcome(JobOutcome outcome) {
    return new MigrationRun(job, revision, image, outcome);
  }

  private static Map<String, String> labels(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
