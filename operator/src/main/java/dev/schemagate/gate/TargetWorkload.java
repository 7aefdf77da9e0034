package dev.schemagate.gate;

import dev.schemagate.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the gate needs of one workload of the target, read from it as plain data.
 *
 * @param image the app container's image in its pod template (a CronJob's: its Job template's);
 *     empty when no container has the configured name
 * @param containers the template's container names, for a message when {@code image} is empty
 * @param replicas the pods it keeps (a Job's parallelism; a CronJob's active Jobs)
 * @param readyReplicas of them Ready (zero for a CronJob: its pods come and go)
 * @param deployment a Deployment's rollout settings, which the hold's cost is read from
 * @param holdCost what holding its pods costs, for the kinds whose cost their own settings decide
 *     (a StatefulSet's replica, a Job's deadline)
 * @param finished a Job that has ended (Complete or Failed): it makes no pod any more, so its image
 *     is not one to migrate for (an old seed Job left behind must not run an old image's migration)
 */
public record TargetWorkload(
    WorkloadRef ref,
    Optional<String> image,
    List<String> containers,
    int replicas,
    int readyReplicas,
    Optional<TargetDeployment> deployment,
    Optional<String> holdCost,
    boolean finished) {

  public WorkloadKind kind() {
    return ref.kind();
  }

  public String name() {
    return ref.name();
  }

  public static TargetWorkload of(TargetDeployment deployment) {
    return of(deployment, null);
  }

  public static TargetWorkload of(TargetDeployment deployment, String container) {
    return new TargetWorkload(
        new WorkloadRef(WorkloadKind.Deployment, deployment.name(), container),
        deployment.image(),
        deployment.containers(),
        deployment.replicas(),
        deployment.readyReplicas(),
        Optional.of(deployment),
        Optional.empty(),
        false);
  }

  /**
   * A StatefulSet's rolling update deletes an old pod before it creates the new one (highest
   * ordinal first): a held pod is a replica down for as long as the hold lasts.
   */
  public static TargetWorkload of(StatefulSet set, String container) {
    var spec = set.getSpec();
    var replicas = Objects.requireNonNullElse(spec.getReplicas(), 1);
    var status = set.getStatus();
    var update = spec.getUpdateStrategy();
    var onDelete = update != null && "OnDelete".equals(update.getType());
    var rolling = update == null ? null : update.getRollingUpdate();
    var maxUnavailable =
        rolling == null || rolling.getMaxUnavailable() == null
            ? 1
            : Math.max(1, TargetDeployment.resolve(rolling.getMaxUnavailable(), replicas));
    var partition = rolling == null ? 0 : Objects.requireNonNullElse(rolling.getPartition(), 0);
    var name = set.getMetadata().getName();
    var cost =
        onDelete
            ? ("StatefulSet %s (updateStrategy OnDelete): each pod you delete stays down, held,"
                    + " until the image is migrated")
                .formatted(name)
            : ("StatefulSet %s deletes an old pod before creating its new one: %d of %d replicas"
                    + " down while the new image is held%s")
                .formatted(
                    name,
                    Math.min(maxUnavailable, replicas),
                    replicas,
                    partition > 0
                        ? " (partition %d: pods below it keep the old image)".formatted(partition)
                        : "");
    return new TargetWorkload(
        new WorkloadRef(WorkloadKind.StatefulSet, name, container),
        appImage(spec.getTemplate(), container),
        containerNames(spec.getTemplate()),
        replicas,
        status == null ? 0 : Objects.requireNonNullElse(status.getReadyReplicas(), 0),
        Optional.empty(),
        replicas == 0 ? Optional.empty() : Optional.of(cost),
        false);
  }

  /**
   * A CronJob's held run waits: its Job's activeDeadlineSeconds keeps counting, and with
   * concurrencyPolicy Forbid the runs due meanwhile are skipped (startingDeadlineSeconds is about
   * creating the Job, which is not held).
   */
  public static TargetWorkload of(CronJob cronJob, String container) {
    var spec = cronJob.getSpec();
    var jobSpec = spec.getJobTemplate() == null ? null : spec.getJobTemplate().getSpec();
    var template = jobSpec == null ? null : jobSpec.getTemplate();
    var name = cronJob.getMetadata().getName();
    var cost = "CronJob %s: a held run waits".formatted(name) + deadline(jobSpec);
    if ("Forbid".equals(spec.getConcurrencyPolicy())) {
      cost += "; concurrencyPolicy Forbid skips the runs due while one is held";
    }
    var active = cronJob.getStatus() == null ? null : cronJob.getStatus().getActive();
    return new TargetWorkload(
        new WorkloadRef(WorkloadKind.CronJob, name, container),
        appImage(template, container),
        containerNames(template),
        active == null ? 0 : active.size(),
        0,
        Optional.empty(),
        Optional.of(cost),
        false);
  }

  /** A Job's held pod waits, and its activeDeadlineSeconds keeps counting. */
  public static TargetWorkload of(Job job, String container) {
    var spec = job.getSpec();
    var name = job.getMetadata().getName();
    var ready = job.getStatus() == null ? null : job.getStatus().getReady();
    return new TargetWorkload(
        new WorkloadRef(WorkloadKind.Job, name, container),
        appImage(spec.getTemplate(), container),
        containerNames(spec.getTemplate()),
        Objects.requireNonNullElse(spec.getParallelism(), 1),
        Objects.requireNonNullElse(ready, 0),
        Optional.empty(),
        Optional.of("Job %s: its held pod waits".formatted(name) + deadline(spec)),
        ended(job));
  }

  private static boolean ended(Job job) {
    var conditions = job.getStatus() == null ? null : job.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  private static String deadline(JobSpec spec) {
    return spec == null || spec.getActiveDeadlineSeconds() == null
        ? ""
        : ("; its activeDeadlineSeconds %d keeps counting (the Job fails DeadlineExceeded if the"
                + " hold outlasts it)")
            .formatted(spec.getActiveDeadlineSeconds());
  }

  private static Optional<String> appImage(PodTemplateSpec template, String container) {
    return template == null || template.getSpec() == null
        ? Optional.empty()
        : TargetDeployment.appImage(template.getSpec().getContainers(), container);
  }

  private static List<String> containerNames(PodTemplateSpec template) {
    return template == null || template.getSpec() == null
        ? List.of()
        : template.getSpec().getContainers().stream().map(Container::getName).toList();
  }
}
