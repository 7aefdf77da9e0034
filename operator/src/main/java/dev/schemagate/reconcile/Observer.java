package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.PodGate;
import dev.schemagate.gate.PodOwner;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.gate.WorkloadRef;
import dev.schemagate.job.FailedCreate;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.LockWatch;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.job.RehearsalJob;
import dev.schemagate.job.RehearsalRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one reconcile reads: the caches, and the few reads by name or label they cannot answer (pods
 * that started before they could be held, a migration pod's log tail, a Job outside the selector,
 * the Events of a Job that has no pod). Turns them into the decision's plain data.
 */
final class Observer {
  private final Context<SchemaMigration> context;
  private final HoldMechanism mechanism;

  Observer(Context<SchemaMigration> context, HoldMechanism mechanism) {
    this.context = context;
    this.mechanism = mechanism;
  }

  Observation observe(SchemaMigration migration, Instant now) {
    var refs = WorkloadRef.all(migration.getSpec().getTarget());
    var workloads = TargetWorkloads.read(migration, context);
    var configMap =
        migration.getSpec().getFlyway() == null
            ? null
            : context.getSecondaryResource(ConfigMap.class).orElse(null);
    var pods = context.getSecondaryResourcesAsStream(Pod.class).toList();
    var source = MigrationSource.resolve(migration, configMap, workloads);
    var runs = runs(migration, source, pods, now);
    var rehearsal = rehearsal(migration, source, pods);
    var held = heldPods(pods, refs, migration.getSpec().getTarget().getContainer());
    var namespace = migration.getMetadata().getNamespace();
    var claimedBy = TargetClaim.claimedBy(migration, claimants(migration, refs));
    return Observation.builder(migration, source)
        .runs(runs)
        .workloads(workloads)
        .heldPods(held)
        // Strays are the gate's business: not this one's while another SchemaMigration comes first.
        .strayPods(
            claimedBy.isPresent() ? List.of() : strayPods(migration, workloads, source, held))
        .mechanism(mechanism)
        .claimedBy(claimedBy)
        .unwatchedJob(
            Decision.unwatchedJobToRecheck(migration.getStatus(), runs)
                .flatMap(job -> unwatchedJob(namespace, job)))
        .rehearsal(rehearsal)
        .build();
  }

  /** The SchemaMigrations that name one of its workloads or its database, from the indexes. */
  private Set<SchemaMigration> claimants(SchemaMigration migration, List<WorkloadRef> refs) {
    var cache = context.getPrimaryCache();
    var namespace = migration.getMetadata().getNamespace();
    var claimants = new LinkedHashSet<SchemaMigration>();
    refs.forEach(
        ref ->
            claimants.addAll(
                cache.byIndex(EventSources.BY_WORKLOAD, TargetClaim.workloadKey(namespace, ref))));
    claimants.addAll(cache.byIndex(EventSources.BY_DATABASE, TargetClaim.databaseKey(migration)));
    return claimants;
  }

  /**
   * The Job of this name, read with one GET, if it exists outside the selector the Job cache is
   * filled by. A Job inside it is only one the cache has not caught up with yet.
   */
  Optional<Observation.UnwatchedJob> unwatchedJob(String namespace, String name) {
    return Optional.ofNullable(
            context.getClient().batch().v1().jobs().inNamespace(namespace).withName(name).get())
        .map(MigrationJob::missingSelectorLabels)
        .filter(missing -> !missing.isEmpty())
        .map(missing -> new Observation.UnwatchedJob(name, missing));
  }

  private List<MigrationRun> runs(
      SchemaMigration migration, MigrationSource source, List<Pod> pods, Instant now) {
    var migrationPods =
        pods.stream()
            .filter(p -> labels(p).containsKey(MigrationJob.REVISION_LABEL))
            .filter(p -> !RehearsalJob.isRehearsal(labels(p)))
            .toList();
    var namespace = migration.getMetadata().getNamespace();
    var wanted =
        source instanceof MigrationSource.Valid valid
            ? MigrationJob.name(migration.getMetadata().getName(), valid.revision())
            : null;
    return context
        .getSecondaryResourcesAsStream(Job.class)
        .filter(job -> !RehearsalJob.isRehearsal(job.getMetadata().getLabels()))
        .map(
            job -> {
              var run =
                  LockWatch.watch(
                      MigrationRun.of(job, migrationPods),
                      migrationPods,
                      now,
                      pod -> logTail(namespace, pod));
              return run.job().equals(wanted)
                  ? failedCreate(namespace, job, run, migrationPods, now)
                  : run;
            })
        .toList();
  }

  /** The wanted revision's rehearsal Job, read with its pod from the caches. */
  private Optional<RehearsalRun> rehearsal(
      SchemaMigration migration, MigrationSource source, List<Pod> pods) {
    if (!(source instanceof MigrationSource.Valid valid)) {
      return Optional.empty();
    }
    var name = RehearsalJob.name(migration.getMetadata().getName(), valid.revision());
    var rehearsalPods = pods.stream().filter(p -> RehearsalJob.isRehearsal(labels(p))).toList();
    return context
        .getSecondaryResourcesAsStream(Job.class)
        .filter(job -> job.getMetadata().getName().equals(name))
        .filter(job -> RehearsalJob.isRehearsal(job.getMetadata().getLabels()))
        .findFirst()
        .map(job -> RehearsalRun.of(job, rehearsalPods));
  }

  /**
   * The wanted Job's run with why it has no pod, when it has had time to create one: one LIST of
   * its FailedCreate Events (no watch, no cache of Events).
   */
  private MigrationRun failedCreate(
      String namespace, Job job, MigrationRun run, List<Pod> pods, Instant now) {
    var lookIn = FailedCreate.lookIn(run, pods, now);
    if (lookIn.isEmpty()) {
      return run;
    }
    if (!lookIn.get().isZero()) {
      var running = (JobOutcome.Running) run.outcome();
      return run.withOutcome(running.with(running.note(), lookIn));
    }
    var events =
        context
            .getClient()
            .v1()
            .events()
            .inNamespace(namespace)
            .withField("involvedObject.kind", "Job")
            .withField("involvedObject.name", job.getMetadata().getName())
            .withField("reason", FailedCreate.REASON)
            .list()
            .getItems();
    return FailedCreate.read(run, job.getMetadata().getUid(), events);
  }

  /** Each held pod with its workload, its image read from that workload's app container. */
  private static List<HeldPod> heldPods(List<Pod> pods, List<WorkloadRef> refs, String container) {
    return pods.stream()
        .filter(p -> labels(p).containsKey(PodGate.HELD_BY))
        .map(
            p -> {
              var owner = PodOwner.of(p, refs);
              return new HeldPod(
                  p.getMetadata().getName(),
                  TargetDeployment.appImage(
                          p.getSpec().getContainers(),
                          owner.map(WorkloadRef::container).orElse(container))
                      .orElse(""),
                  Optional.ofNullable(p.getMetadata().getCreationTimestamp()).map(Instant::parse),
                  owner);
            })
        .toList();
  }

  /**
   * Pods of the wanted, unmigrated image that admission did not hold, because they were created
   * before their SchemaMigration existed (kubectl and GitOps apply custom resources last): of the
   * target's Deployments, whose ReplicaSets re-create a deleted pod at once. Read with one LIST per
   * Deployment, and only while that image waits for its migration and the Deployment counts more
   * pods of its template than are held: no cache of every pod.
   */
  private List<HeldPod> strayPods(
      SchemaMigration migration,
      List<TargetWorkload> workloads,
      MigrationSource source,
      List<HeldPod> held) {
    if (!(source instanceof MigrationSource.Valid valid)
        || (migration.getStatus() != null
            && migration.getStatus().getMigrated().stream()
                .anyMatch(m -> m.getImage().equals(valid.image())))) {
      return List.of();
    }
    var strays = new ArrayList<HeldPod>();
    for (var w : workloads) {
      var deployment = w.deployment().flatMap(d -> TargetWorkloads.deployment(context, d.name()));
      var heldHere =
          held.stream()
              .filter(p -> p.image().equals(valid.image()))
              .filter(p -> p.workload().equals(Optional.of(w.ref())))
              .count();
      if (deployment.isEmpty()
          || !w.image().orElse("").equals(valid.image())
          || updatedReplicas(deployment.get()) <= heldHere) {
        continue;
      }
      context
          .getClient()
          .pods()
          .inNamespace(migration.getMetadata().getNamespace())
          .withLabels(deployment.get().getSpec().getSelector().getMatchLabels())
          .list()
          .getItems()
          .stream()
          .filter(p -> PodGate.stray(p, w.ref().container(), valid.image()))
          .map(p -> new HeldPod(p.getMetadata().getName(), valid.image(), w.ref()))
          .forEach(strays::add);
    }
    return strays;
  }

  /** One GET of pods/log; a log that cannot be read (the pod just ended) is no reason to fail. */
  private Optional<String> logTail(String namespace, String pod) {
    try {
      return Optional.ofNullable(
          context
              .getClient()
              .pods()
              .inNamespace(namespace)
              .withName(pod)
              .inContainer(MigrationJob.CONTAINER)
              .limitBytes(LockWatch.LIMIT_BYTES)
              .tailingLines(LockWatch.TAIL_LINES)
              .getLog());
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  private static int updatedReplicas(Deployment deployment) {
    var status = deployment.getStatus();
    return status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
  }

  static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }
}
