package dev.schemagate.testenv.bench;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.testenv.PodTermination;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import java.util.function.Consumer;

/**
 * Informers on Jobs, migration pods, Deployments and SchemaMigrations in every namespace. Handlers
 * stamp System.nanoTime() when they see a Job Complete, a Deployment's replicas set, a
 * SchemaMigration Ready; with completion on, they play the kubelet for each new migration pod.
 */
final class Watch implements AutoCloseable {
  private final KubernetesClient client;
  private final ExecutorService kubelet = Executors.newFixedThreadPool(4);
  private final Map<String, Long> jobComplete = new ConcurrentHashMap<>();
  private final Map<String, Long> released = new ConcurrentHashMap<>();
  private final Map<String, Integer> replicas = new ConcurrentHashMap<>();
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Set<String> completed = ConcurrentHashMap.newKeySet();
  private final Map<String, Pod> pending = new ConcurrentHashMap<>();
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
            .inform(handler(this::onJob)));
    informers.add(
        client
            .pods()
            .inAnyNamespace()
            .withLabel(MigrationJob.MANAGED_BY_LABEL, MigrationJob.MANAGED_BY)
            .inform(handler(this::onPod)));
    informers.add(client.apps().deployments().inAnyNamespace().inform(handler(this::onDeployment)));
    informers.add(
        client
            .resources(SchemaMigration.class)
            .inAnyNamespace()
            .inform(handler(this::onMigration)));
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> on) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        on.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        on.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private void onJob(Job job) {
    var now = System.nanoTime();
    var done =
        job.getStatus() != null
            && job.getStatus().getConditions() != null
            && job.getStatus().getConditions().stream()
                .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
    if (done) {
      var instance = job.getMetadata().getLabels().get(MigrationJob.INSTANCE_LABEL);
      jobComplete.putIfAbsent(key(job.getMetadata().getNamespace(), instance), now);
    }
  }

  private void onPod(Pod pod) {
    var instance = pod.getMetadata().getLabels().get(MigrationJob.INSTANCE_LABEL);
    var key = key(pod.getMetadata().getNamespace(), instance);
    var phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (!"Pending".equals(phase) || pod.getMetadata().getDeletionTimestamp() != null) {
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

  private void onDeployment(Deployment d) {
    var now = System.nanoTime();
    var key = key(d.getMetadata().getNamespace(), d.getMetadata().getName());
    var r = d.getSpec().getReplicas();
    var previous = r == null ? null : replicas.put(key, r);
    if (r != null && r > 0 && previous != null && previous == 0) {
      released.putIfAbsent(key, now);
    }
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

  Pod pendingPod(App app) {
    return pending.get(key(app.namespace(), app.name()));
  }

  boolean heldAtZero(App app) {
    var r = replicas.get(key(app.namespace(), app.name()));
    return r != null && r == 0;
  }

  Long jobComplete(App app) {
    return jobComplete.get(key(app.namespace(), app.name()));
  }

  Long released(App app) {
    return released.get(key(app.namespace(), app.name()));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    kubelet.shutdownNow();
  }
}
