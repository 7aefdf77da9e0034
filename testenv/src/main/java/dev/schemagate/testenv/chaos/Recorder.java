package dev.schemagate.testenv.chaos;

import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.RehearsalJob;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.Informers;
import dev.schemagate.testenv.LocalPostgres;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The watch history of one chaos part: informers on the Jobs and pods of its namespace that record
 * every Job uid, every migration pod's run and every app pod's start, stamped with the local time
 * they were seen; then, from the databases, what was applied. {@link #history} hands it over as
 * plain data.
 */
final class Recorder implements AutoCloseable {
  private final String namespace;
  private final Map<String, History.JobSeen> jobs = new ConcurrentHashMap<>();
  private final Map<String, History.RunSeen> runs = new ConcurrentHashMap<>();
  private final Map<String, History.AppPodSeen> appPods = new ConcurrentHashMap<>();
  private final AtomicInteger jobsCreated = new AtomicInteger();
  private final AtomicInteger successes = new AtomicInteger();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  Recorder(KubernetesClient client, String namespace) {
    this.namespace = namespace;
    informers.add(
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(MigrationJob.MANAGED_BY_LABEL, MigrationJob.MANAGED_BY)
            // A rehearsal runs on a scratch copy: it is no run of the migration on production.
            .withoutLabel(RehearsalJob.ROLE_LABEL)
            .inform(Informers.onAddOrUpdate(this::onJob)));
    informers.add(
        client.pods().inNamespace(namespace).inform(Informers.onAddOrUpdate(this::onPod)));
  }

  /** Jobs seen created so far: a kill can wait for the next one. */
  int jobsCreated() {
    return jobsCreated.get();
  }

  /** Migration pods seen Succeeded so far: a kill can wait for the next one. */
  int successes() {
    return successes.get();
  }

  /** Migration pods running now, as last seen. */
  int running() {
    return (int)
        runs.values().stream()
            .filter(r -> r.started() != null && r.finished() == null && !r.succeeded())
            .count();
  }

  private String migration(String instance) {
    return namespace + "/" + instance;
  }

  private void onJob(Job job) {
    var meta = job.getMetadata();
    var seen =
        new History.JobSeen(
            migration(meta.getLabels().get(MigrationJob.INSTANCE_LABEL)),
            meta.getName(),
            meta.getUid(),
            meta.getLabels().get(MigrationJob.REVISION_LABEL),
            meta.getAnnotations() == null
                ? null
                : meta.getAnnotations().get(MigrationJob.IMAGE_ANNOTATION));
    if (jobs.putIfAbsent(meta.getUid(), seen) == null) {
      jobsCreated.incrementAndGet();
    }
  }

  private void onPod(Pod pod) {
    var labels = pod.getMetadata().getLabels();
    if (labels == null) {
      return;
    }
    var status = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    var container = status == null || status.isEmpty() ? null : status.get(0);
    if (RehearsalJob.isRehearsal(labels)) {
      return;
    }
    if (MigrationJob.MANAGED_BY.equals(labels.get(MigrationJob.MANAGED_BY_LABEL))) {
      onMigrationPod(pod, labels, container);
    } else if (labels.containsKey(AppDeployment.NAME_LABEL)) {
      onAppPod(pod, labels, container);
    }
  }

  private void onMigrationPod(Pod pod, Map<String, String> labels, ContainerStatus container) {
    var succeeded = "Succeeded".equals(pod.getStatus().getPhase());
    Instant started = null;
    Instant finished = null;
    if (container != null && container.getState() != null) {
      var state = container.getState();
      if (state.getRunning() != null) {
        started = instant(state.getRunning().getStartedAt());
      } else if (state.getTerminated() != null) {
        started = instant(state.getTerminated().getStartedAt());
        finished = instant(state.getTerminated().getFinishedAt());
      }
    }
    var uid = pod.getMetadata().getUid();
    var before = runs.get(uid);
    var succeededSeen =
        before != null && before.succeededSeen() != null
            ? before.succeededSeen()
            : succeeded ? Instant.now() : null;
    if (succeeded && (before == null || !before.succeeded())) {
      successes.incrementAndGet();
    }
    runs.put(
        uid,
        new History.RunSeen(
            migration(labels.get(MigrationJob.INSTANCE_LABEL)),
            labels.get("job-name"),
            pod.getMetadata().getName(),
            started != null || before == null ? started : before.started(),
            finished,
            succeeded,
            succeededSeen));
  }

  private void onAppPod(Pod pod, Map<String, String> labels, ContainerStatus container) {
    if (container == null || appPods.containsKey(pod.getMetadata().getUid())) {
      return;
    }
    var running = container.getState() != null && container.getState().getRunning() != null;
    if (!running && !Boolean.TRUE.equals(container.getReady())) {
      return;
    }
    appPods.put(
        pod.getMetadata().getUid(),
        new History.AppPodSeen(
            migration(labels.get(AppDeployment.NAME_LABEL)),
            pod.getMetadata().getName(),
            pod.getSpec().getContainers().get(0).getImage(),
            running ? instant(container.getState().getRunning().getStartedAt()) : null,
            Instant.now()));
  }

  private static Instant instant(String time) {
    return time == null ? null : Instant.parse(time);
  }

  /**
   * The history so far, with what each database holds.
   *
   * @param databases the database URL of each SchemaMigration ("namespace/name")
   */
  History history(Map<String, String> databases) throws SQLException {
    var applied = new ArrayList<History.Applied>();
    for (var db : databases.entrySet()) {
      applied.add(
          new History.Applied(
              db.getKey(),
              column(
                  db.getValue(),
                  "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT"
                      + " NULL"),
              column(db.getValue(), "SELECT mark FROM " + ChaosApp.COUNTER_TABLE)));
    }
    return new History(
        List.copyOf(databases.keySet()),
        List.copyOf(jobs.values()),
        List.copyOf(runs.values()),
        List.copyOf(appPods.values()),
        applied);
  }

  /** One column of a query; empty if its table does not exist (nothing was ever applied). */
  private static List<String> column(String url, String sql) throws SQLException {
    try (var db = LocalPostgres.connect(url);
        var rows = db.createStatement().executeQuery(sql)) {
      var values = new ArrayList<String>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return List.of();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
