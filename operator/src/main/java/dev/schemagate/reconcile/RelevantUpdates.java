package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which updates of a watched object can change a decision: those that change what the reconciler
 * reads of it. The controllers that own these objects write their status many times each (a Job's
 * active, ready and uncounted pods; a pod's conditions and IPs; a Deployment's available replicas
 * and condition times), and a reconcile for each cost the operator most of its CPU at scale for no
 * change. Each check compares the fields {@link SchemaMigrationReconciler#observe} and the gate
 * read; a field read there and not here would be a missed event, so a new read goes in both. Pure.
 */
public final class RelevantUpdates {
  private RelevantUpdates() {}

  /**
   * The SchemaMigration's spec (its generation), metadata a reconcile reads or JOSDK acts on
   * (annotations: the retry annotation; labels; finalizers; deletion), not its status: the status
   * is this operator's own, written from a decision, and put into the cache by that write. (JOSDK's
   * generation-aware filtering would miss the retry annotation.)
   */
  public static boolean schemaMigration(SchemaMigration now, SchemaMigration before) {
    return !migrationRead(now).equals(migrationRead(before));
  }

  private record MigrationRead(
      Long generation,
      Map<String, String> annotations,
      Map<String, String> labels,
      List<String> finalizers,
      Optional<String> deletion) {}

  private static MigrationRead migrationRead(SchemaMigration m) {
    var meta = m.getMetadata();
    return new MigrationRead(
        meta.getGeneration(),
        orEmpty(meta.getAnnotations()),
        orEmpty(meta.getLabels()),
        meta.getFinalizers() == null ? List.of() : meta.getFinalizers(),
        Optional.ofNullable(meta.getDeletionTimestamp()));
  }

  /**
   * The spec (any change bumps the generation), the replica counts the messages and the stray check
   * use, and the ReplicaFailure condition the refusing mechanism reads.
   */
  static boolean deployment(Deployment now, Deployment before) {
    return !deploymentRead(now).equals(deploymentRead(before));
  }

  /**
   * The spec (any change bumps the generation) and the Ready count the messages use: its rolling
   * update's progress in status is not read.
   */
  static boolean statefulSet(StatefulSet now, StatefulSet before) {
    return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
        || !Objects.equals(readyReplicas(now), readyReplicas(before));
  }

  /**
   * The spec only: its status changes with every run it schedules (active Jobs, last schedule
   * time), and its held pods reach the operator by their own informer.
   */
  static boolean cronJob(CronJob now, CronJob before) {
    return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration());
  }

  private static Optional<Integer> readyReplicas(StatefulSet set) {
    return Optional.ofNullable(set.getStatus()).map(s -> s.getReadyReplicas());
  }

  /** Labels, annotations, and the times and conditions a run's outcome is read from. */
  static boolean job(Job now, Job before) {
    return !jobRead(now).equals(jobRead(before));
  }

  /**
   * Labels, phase and each container's state (waiting reason, running since, the termination's exit
   * code and message): a pod's spec does not change in ways read here, and its conditions are read
   * by no decision.
   */
  static boolean migrationPod(Pod now, Pod before) {
    return !podRead(now).equals(podRead(before));
  }

  private record DeploymentRead(
      Long generation,
      Optional<Integer> readyReplicas,
      Optional<Integer> updatedReplicas,
      List<Object> replicaFailure) {}

  private static DeploymentRead deploymentRead(Deployment d) {
    var status = Optional.ofNullable(d.getStatus());
    return new DeploymentRead(
        d.getMetadata().getGeneration(),
        status.map(s -> s.getReadyReplicas()),
        status.map(s -> s.getUpdatedReplicas()),
        status.map(s -> s.getConditions()).orElse(List.of()).stream()
            .filter(c -> "ReplicaFailure".equals(c.getType()))
            .map(c -> (Object) List.of(str(c.getStatus()), str(c.getLastTransitionTime())))
            .toList());
  }

  private record JobRead(
      Map<String, String> labels,
      Map<String, String> annotations,
      Optional<String> startTime,
      Optional<String> completionTime,
      List<Object> conditions) {}

  private static JobRead jobRead(Job job) {
    var status = Optional.ofNullable(job.getStatus());
    return new JobRead(
        orEmpty(job.getMetadata().getLabels()),
        orEmpty(job.getMetadata().getAnnotations()),
        status.map(s -> s.getStartTime()),
        status.map(s -> s.getCompletionTime()),
        status.map(s -> s.getConditions()).orElse(List.of()).stream()
            .map(
                c ->
                    (Object)
                        List.of(
                            str(c.getType()),
                            str(c.getStatus()),
                            str(c.getReason()),
                            str(c.getMessage()),
                            str(c.getLastTransitionTime())))
            .toList());
  }

  private record PodRead(
      Map<String, String> labels,
      Optional<String> phase,
      List<Object> states,
      List<Object> initStates,
      List<Object> scheduled) {}

  private static PodRead podRead(Pod pod) {
    var status = Optional.ofNullable(pod.getStatus());
    return new PodRead(
        orEmpty(pod.getMetadata().getLabels()),
        status.map(s -> s.getPhase()),
        states(status.map(s -> s.getContainerStatuses())),
        states(status.map(s -> s.getInitContainerStatuses())),
        status.map(s -> s.getConditions()).orElse(List.of()).stream()
            // Only while it is not: the scheduler's reason, and its end. A pod scheduled at once
            // is no reconcile more.
            .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
            .map(c -> (Object) List.of(str(c.getReason()), str(c.getMessage())))
            .toList());
  }

  private static List<Object> states(Optional<List<ContainerStatus>> containers) {
    return containers.orElse(List.of()).stream()
        .map(ContainerStatus::getState)
        .map(s -> (Object) Objects.requireNonNullElse(s, ""))
        .toList();
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  private static String str(String s) {
    return s == null ? "" : s;
  }
}
