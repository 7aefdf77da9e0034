package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.PodGate;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ready is quiet: once everything is migrated and released, SchemaGate writes nothing, to anything.
 */
@ExtendWith(Scenario.PerTest.class)
class SteadyStateIT {
  static final int APPS = 5;
  static final int REPLICAS = Scenario.APP_REPLICAS;
  static final Duration WINDOW = Duration.ofSeconds(30);
  static final Duration QUIET_BEFORE = Duration.ofSeconds(2);

  @Test
  void readySchemaMigrationsCauseNoWritesForThirtySeconds(Scenario s) throws InterruptedException {
    s.startOperator();
    var apps = IntStream.rangeClosed(1, APPS).mapToObj(i -> "app-" + i).toList();
    for (var app : apps) {
      s.putMigrations(
          app + "-migrations",
          Map.of("V1__init.sql", "create table " + app.replace('-', '_') + " (id int);"));
      // In `kubectl apply` order: the gate before the app, so the app's first pods are held.
      // Each on a database of its own: one SchemaMigration per database.
      s.createMigration(Scenario.migrationFor(s.namespace, app, app + "-migrations", app + "-db"));
      s.createDeployment(app);
    }
    for (var app : apps) {
      s.succeed(
          await()
              .atMost(Scenario.TIMEOUT)
              .until(() -> s.jobs(app), jobs -> jobs.size() == 1)
              .get(0));
    }
    for (var app : apps) {
      awaitReleased(s, app);
      s.awaitTrue(app, "Ready", "Migrated");
    }
    // Let the controllers finish their own bookkeeping: Deployment status, Job completion.
    await().atMost(Scenario.TIMEOUT).until(() -> settled(s));
    awaitQuiet(s);

    var before = versions(s);
    // Per app: its SchemaMigration, Deployment, ReplicaSet, pods, Job and the Job's pod.
    assertThat(before).hasSize((5 + REPLICAS) * APPS);
    var seen = new ConcurrentLinkedQueue<String>();
    var schemagateEvents = new ConcurrentLinkedQueue<String>();
    var watches = new ArrayList<Watch>();
    Map<String, String> after;
    List<String> inWindow;
    List<String> eventsInWindow;
    try {
      watches.add(watch(s.client.resources(SchemaMigration.class).inNamespace(s.namespace), seen));
      watches.add(watch(s.client.apps().deployments().inNamespace(s.namespace), seen));
      watches.add(watch(s.client.batch().v1().jobs().inNamespace(s.namespace), seen));
      // The operator patches these too (releasing held pods, nudging refused ReplicaSets).
      watches.add(watch(s.client.apps().replicaSets().inNamespace(s.namespace), seen));
      watches.add(watch(s.client.pods().inNamespace(s.namespace), seen));
      var events = s.client.v1().events().inNamespace(s.namespace);
      watches.add(
          events.watch(
              new ListOptionsBuilder()
                  .withResourceVersion(events.list().getMetadata().getResourceVersion())
                  .build(),
              new Watcher<Event>() {
                @Override
                public void eventReceived(Action action, Event e) {
                  if (action == Action.ADDED
                      && e.getSource() != null
                      && "schemagate".equals(e.getSource().getComponent())) {
                    schemagateEvents.add(e.getReason() + ": " + e.getMessage());
                  }
                }

                @Override
                public void onClose(WatcherException cause) {}
              }));

      // The window is the test: what the operator writes while nothing changes, counted after.
      Thread.sleep(WINDOW.toMillis());
      after = versions(s);
      inWindow = List.copyOf(seen);
      eventsInWindow = List.copyOf(schemagateEvents);
      // The watches were live all along: a change now is seen at once.
      s.client
          .apps()
          .deployments()
          .inNamespace(s.namespace)
          .withName(apps.get(0))
          .edit(
              d -> {
                d.getMetadata().setAnnotations(Map.of("probe", "after-the-window"));
                return d;
              });
      await()
          .atMost(Scenario.TIMEOUT)
          .until(() -> seen.stream().anyMatch(e -> e.startsWith("MODIFIED Deployment/app-1")));
    } finally {
      watches.forEach(Watch::close);
    }

    var modified = inWindow.stream().filter(e -> e.startsWith("MODIFIED")).count();
    System.out.printf(
        "[steady state] %d SchemaMigrations, Deployments, ReplicaSets and Jobs, %d pods watched for"
            + " %d s: %d resourceVersion changes (%d MODIFIED), %d Events from schemagate%n",
        APPS,
        before.size() - 4 * APPS,
        WINDOW.toSeconds(),
        inWindow.size(),
        modified,
        eventsInWindow.size());
    assertThat(inWindow).as("watch events in steady state").isEmpty();
    assertThat(eventsInWindow).as("Events recorded by schemagate in steady state").isEmpty();
    assertThat(after).as("resourceVersions after %s", WINDOW).isEqualTo(before);
  }

  /** Waits until {@code app}'s pods exist, none of them gated or labelled held. */
  static void awaitReleased(Scenario s, String app) {
    await()
        .atMost(Scenario.TIMEOUT)
        .until(
            () ->
                s.client
                    .pods()
                    .inNamespace(s.namespace)
                    .withLabel("app.kubernetes.io/name", app)
                    .list()
                    .getItems(),
            pods ->
                pods.size() == REPLICAS
                    && pods.stream()
                        .allMatch(
                            p ->
                                Scenario.APP_IMAGE.equals(
                                        p.getSpec().getContainers().get(0).getImage())
                                    && !Scenario.gated(p)
                                    && !p.getMetadata().getLabels().containsKey(PodGate.HELD_BY)));
  }

  /**
   * Every Deployment's status caught up with its spec, every Job finished its completion
   * bookkeeping.
   */
  static boolean settled(Scenario s) {
    var deployments = s.client.apps().deployments().inNamespace(s.namespace).list().getItems();
    var jobs = s.client.batch().v1().jobs().inNamespace(s.namespace).list().getItems();
    return deployments.size() == APPS
        && jobs.size() == APPS
        && deployments.stream()
            .allMatch(
                d ->
                    d.getStatus() != null
                        && Objects.equals(
                            d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration())
                        && Objects.equals(d.getStatus().getReplicas(), REPLICAS)
                        && Objects.equals(d.getStatus().getUpdatedReplicas(), REPLICAS))
        && jobs.stream()
            .allMatch(
                j ->
                    Scenario.hasCondition(j, "Complete")
                        && j.getStatus().getCompletionTime() != null
                        && Objects.requireNonNullElse(j.getStatus().getActive(), 0) == 0
                        && (j.getStatus().getUncountedTerminatedPods() == null
                            || (j.getStatus().getUncountedTerminatedPods().getSucceeded().isEmpty()
                                && j.getStatus()
                                    .getUncountedTerminatedPods()
                                    .getFailed()
                                    .isEmpty())));
  }

  /** Waits until no watched object has changed for {@link #QUIET_BEFORE}. */
  static void awaitQuiet(Scenario s) {
    var last = new AtomicReference<>(versions(s));
    var since = new AtomicLong(System.nanoTime());
    await()
        .atMost(Scenario.TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              var now = versions(s);
              if (!now.equals(last.get())) {
                last.set(now);
                since.set(System.nanoTime());
                return false;
              }
              return System.nanoTime() - since.get() >= QUIET_BEFORE.toNanos();
            });
  }

  /**
   * kind/name -> resourceVersion of every SchemaMigration, Deployment, ReplicaSet, Job and pod in
   * the namespace.
   */
  static Map<String, String> versions(Scenario s) {
    var versions = new TreeMap<String, String>();
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(
        s.client.resources(SchemaMigration.class).inNamespace(s.namespace).list().getItems());
    all.addAll(s.client.apps().deployments().inNamespace(s.namespace).list().getItems());
    all.addAll(s.client.batch().v1().jobs().inNamespace(s.namespace).list().getItems());
    all.addAll(s.client.apps().replicaSets().inNamespace(s.namespace).list().getItems());
    all.addAll(s.client.pods().inNamespace(s.namespace).list().getItems());
    all.forEach(
        r ->
            versions.put(
                r.getKind() + "/" + r.getMetadata().getName(),
                r.getMetadata().getResourceVersion()));
    return versions;
  }

  /**
   * Watches from the list's resourceVersion (no synthetic ADDED, no gap) and records every event as
   * "ACTION kind/name".
   */
  static <T extends HasMetadata, L extends KubernetesResourceList<T>> Watch watch(
      NonNamespaceOperation<T, L, ?> resources, ConcurrentLinkedQueue<String> seen) {
    var from = resources.list().getMetadata().getResourceVersion();
    return resources.watch(
        new ListOptionsBuilder().withResourceVersion(from).build(),
        new Watcher<T>() {
          @Override
          public void eventReceived(Action action, T resource) {
            seen.add(
                action
                    + " "
                    + resource.getKind()
                    + "/"
                    + resource.getMetadata().getName()
                    + " rv="
                    + resource.getMetadata().getResourceVersion());
          }

          @Override
          public void onClose(WatcherException cause) {
            seen.add("CLOSED " + cause);
          }
        });
  }
}
