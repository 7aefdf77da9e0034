package dev.schemagate.testenv.bench;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.RehearsalJob;
import dev.schemagate.testenv.Informers;
import dev.schemagate.testenv.PodTermination;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Informers on Jobs, migration pods and SchemaMigrations in every namespace, and on request on the
 * apps' pods and ReplicaSets in one namespace ({@link Rollouts}). Handlers stamp System.nanoTime()
 * when they see a migration pod Succeeded, a Job Complete, a SchemaMigration Ready, an app's pod
 * created, held or released; with completion on, they play the kubelet for each new migration pod.
 */
final class Watch implements AutoCloseable {
  private final KubernetesClient client;
  private final ExecutorService kubelet = Executors.newFixedThreadPool(4);
  // Per Job ("namespace/job"): an app migrates once per image, each time in a Job of its own.
  private final Map<String, Long> podSucceeded = new ConcurrentHashMap<>();
  private final Map<String, Long> jobComplete = new ConcurrentHashMap<>();
  private final Map<String, Pod> pending = new ConcurrentHashMap<>();
  // "namespace/instance/image" -> Job name, from the image annotation the operator gives its Jobs.
  private final Map<String, String> jobs = new ConcurrentHashMap<>();
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Set<String> completed = ConcurrentHashMap.newKeySet();
  private final Rollouts rollouts = new Rollouts();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile boolean complete;
  private volatile long allReadyAt;
  private volatile int wanted = Integer.MAX_VALUE;

  Watch(KubernetesClient client) {
    this.client = client;
    informers.add(
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabel(MigrationJob.MANAGED_BY_LABEL, MigrationJob.MANAGED_BY)
            // The production Jobs: a rehearsal's time shows as the time before them.
            .withoutLabel(RehearsalJob.ROLE_LABEL)
            .inform(Informers.onAddOrUpdate(this::onJob)));
    informers.add(
        client
            .pods()
            .inAnyNamespace()
            .withLabel(MigrationJob.MANAGED_BY_LABEL, MigrationJob.MANAGED_BY)
            // The production Jobs: a rehearsal's time shows as the time before them.
            .withoutLabel(RehearsalJob.ROLE_LABEL)
            .inform(Informers.onAddOrUpdate(this::onPod)));
    informers.add(
        client
            .resources(SchemaMigration.class)
            .inAnyNamespace()
            .inform(Informers.onAddOrUpdate(this::onMigration)));
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private void onJob(Job job) {
    var now = System.nanoTime();
    var meta = job.getMetadata();
    var instance = meta.getLabels().get(MigrationJob.INSTANCE_LABEL);
    var image =
        meta.getAnnotations() == null
            ? null
            : meta.getAnnotations().get(MigrationJob.IMAGE_ANNOTATION);
    if (instance != null && image != null) {
      jobs.putIfAbsent(meta.getNamespace() + "/" + instance + "/" + image, meta.getName());
    }
    var done =
        job.getStatus() != null
            && job.getStatus().getConditions() != null
            && job.getStatus().getConditions().stream()
                .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
    if (done) {
      jobComplete.putIfAbsent(key(meta.getNamespace(), meta.getName()), now);
    }
  }

  private void onPod(Pod pod) {
    var now = System.nanoTime();
    var job = jobName(pod);
    if (job == null) {
      return;
    }
    var key = key(pod.getMetadata().getNamespace(), job);
    var phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase)) {
      podSucceeded.putIfAbsent(key, now);
    }
    if (!"Pending".equals(phase) || pod.getMetadata().getDeletionTimestamp() != null) {
      pending.remove(key);
      return;
    }
    pending.put(key, pod);
    if (complete && completed.add(pod.getMetadata().getUid())) {
      kubelet.submit(
          () -> {
            try {
              PodTermination.write(client, pod, 0, null);
            } catch (RuntimeException e) {
              completed.remove(pod.getMetadata().getUid());
              Output.progress(
                  "could not complete pod " + pod.getMetadata().getName() + ": " + e.getMessage());
            }
          });
    }
  }

  /** The Job that owns a migration pod. */
  private static String jobName(Pod pod) {
    return pod.getMetadata().getOwnerReferences().stream()
        .filter(o -> "Job".equals(o.getKind()))
        .map(OwnerReference::getName)
        .findFirst()
        .orElse(null);
  }

  private void onMigration(SchemaMigration m) {
    var now = System.nanoTime();
    var isReady =
        m.getStatus() != null
            && m.getStatus().getConditions() != null
            && m.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (isReady
        && ready.add(key(m.getMetadata().getNamespace(), m.getMetadata().getName()))
        && ready.size() >= wanted
        && allReadyAt == 0) {
      allReadyAt = now;
    }
  }

  void completePods(boolean on) {
    complete = on;
    if (on) {
      pending.values().forEach(this::onPod);
    }
  }

  /** Blocks until n SchemaMigrations are Ready; returns the nanoTime the last one was seen. */
  long awaitReady(int n, Duration timeout) throws InterruptedException {
    wanted = n;
    allReadyAt = ready.size() >= n ? System.nanoTime() : 0;
    var deadline = System.nanoTime() + timeout.toNanos();
    var lastReport = System.nanoTime();
    while (allReadyAt == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + ready.size() + " of " + n + " Ready after " + timeout);
      }
      if (System.nanoTime() - lastReport > 5e9) {
        Output.progress(
            "  " + ready.size() + "/" + n + " Ready, " + jobComplete.size() + " Jobs complete");
        lastReport = System.nanoTime();
      }
      Thread.sleep(10);
    }
    return allReadyAt;
  }

  /**
   * Also informs on the apps' own pods (those of a Deployment's ReplicaSet) and their ReplicaSets
   * in {@code namespace}, into {@link #rollouts()}. Once per namespace, before its apps exist.
   */
  void watchRollouts(String namespace) {
    informers.add(
        client
            .pods()
            .inNamespace(namespace)
            .withLabel("pod-template-hash")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    rollouts.podAdded(pod, System.nanoTime());
                  }

                  @Override
                  public void onUpdate(Pod oldPod, Pod pod) {
                    rollouts.podUpdated(pod, System.nanoTime());
                  }

                  @Override
                  public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {}
                }));
    informers.add(
        client
            .apps()
            .replicaSets()
            .inNamespace(namespace)
            .inform(Informers.onAddOrUpdate(rs -> rollouts.replicaSet(rs, System.nanoTime()))));
  }

  Rollouts rollouts() {
    return rollouts;
  }

  boolean ready(App app) {
    return ready.contains(key(app.namespace(), app.name()));
  }

  /** The name of the Job that migrates {@code image} for this app, once the watch has seen it. */
  String job(App app, String image) {
    return jobs.get(app.namespace() + "/" + app.name() + "/" + image);
  }

  /** How many SchemaMigrations the watch has seen Ready. */
  int readyCount() {
    return ready.size();
  }

  /** How many migration Jobs the watch has seen created. */
  int jobsSeen() {
    return jobs.size();
  }

  /** How many migration Jobs the watch has seen Complete. */
  int jobsComplete() {
    return jobComplete.size();
  }

  /** The nanoTime the watch saw the last of the Jobs Complete so far. */
  long lastJobComplete() {
    return jobComplete.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /** The Job's pod while it is Pending, as last seen. */
  Pod pendingPod(String namespace, String job) {
    return pending.get(key(namespace, job));
  }

  Long podSucceeded(String namespace, String job) {
    return podSucceeded.get(key(namespace, job));
  }

  Long jobComplete(String namespace, String job) {
    return jobComplete.get(key(namespace, job));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    kubelet.shutdownNow();
  }
}
