package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Workload;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.DeploymentGate;
import dev.schemagate.gate.PodGate;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.metrics.MigrationMetrics;
import dev.schemagate.reconcile.CacheTrim;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Objects as the informers' stores trim them, through java-operator-sdk's real event sources: the
 * ones {@link dev.schemagate.reconcile.SchemaMigrationReconciler} builds, in an operator started on
 * the control plane with the SchemaMigration they map to in its cache. JOSDK reads every add and
 * update's annotations, and its owner-reference mapper the owner references, without a null check;
 * fabric8 catches what a handler throws, logs it, and the event is lost.
 */
@ExtendWith(Scenario.PerTest.class)
class TrimmedEventsIT {
  /** kubectl apply's annotation, alone: trimmed, no annotation is left. */
  private static final String CACHE = "cache";

  private static final String NIGHTLY = "nightly";
  private static final Map<String, String> KUBECTL_ONLY =
      Map.of("kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"v1\"}");

  private final List<Event> events = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private String namespace;
  private SchemaMigration migration;
  private Controller<SchemaMigration> controller;

  @BeforeEach
  @SuppressWarnings("unchecked")
  void startTheOperator(Scenario scenario) {
    namespace = scenario.namespace;
    var gated = Scenario.migrationFor(scenario.namespace);
    gated
        .getSpec()
        .getTarget()
        .setWorkloads(
            List.of(
                new Workload(WorkloadKind.StatefulSet, CACHE),
                new Workload(WorkloadKind.CronJob, NIGHTLY)));
    migration = scenario.createMigration(gated);
    var operator = scenario.startOperator(registry).operator();
    controller =
        (Controller<SchemaMigration>)
            operator.getRegisteredController(DeploymentGate.FIELD_MANAGER).orElseThrow();
    await()
        .atMost(Scenario.TIMEOUT)
        .until(
            () ->
                controller
                    .getEventSourceManager()
                    .getControllerEventSource()
                    .get(ResourceID.fromResource(migration))
                    .isPresent());
  }

  static List<Arguments> watchedKinds() {
    return List.of(
        Arguments.of(Deployment.class, null),
        Arguments.of(StatefulSet.class, null),
        Arguments.of(CronJob.class, null),
        Arguments.of(ConfigMap.class, null),
        Arguments.of(Job.class, null),
        Arguments.of(Pod.class, "migration-pods"),
        Arguments.of(Pod.class, "held-pods"));
  }

  /**
   * Each watched kind's add, update and delete of a trimmed object pass through without an
   * exception, and each reaches the SchemaMigration it concerns.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("watchedKinds")
  <R extends HasMetadata> void aTrimmedObjectPassesEveryPath(Class<R> kind, String sourceName) {
    var source = source(kind, sourceName);
    R object = objectOf(kind, sourceName);
    var added = trimmed(object, "10");
    var updated = trimmed(changed(object), "11");

    source.onAdd(added);
    source.onUpdate(added, updated);
    source.onDelete(updated, false);

    // The add and the delete; the update only where its filter finds a change worth a reconcile.
    assertThat(events)
        .hasSizeBetween(2, 3)
        .allSatisfy(
            e ->
                assertThat(e.getRelatedCustomResourceID())
                    .isEqualTo(ResourceID.fromResource(migration)));
    assertThat(registry.find(MigrationMetrics.EVENT_HANDLER_FAILURES).counters()).isEmpty();
  }

  @Test
  void aTrimmedObjectReadsAsAnObjectFromTheApiServerDoes() {
    var meta = trimmed(deployment(), "10").getMetadata();

    assertThat(meta.getAnnotations()).isEmpty();
    assertThat(meta.getLabels()).isNotNull();
    assertThat(meta.getOwnerReferences()).isNotNull();
    assertThat(meta.getFinalizers()).isNotNull();
    assertThat(meta.getManagedFields()).isNull();
    assertThat(meta.getResourceVersion()).isEqualTo("10");
  }

  /** The metric counts what fabric8 would log and drop: here, metadata no trim went through. */
  @Test
  void anExceptionInAHandlerIsCountedByKindAndStillThrown() {
    var source = source(Deployment.class, null);
    var untrimmed = deployment();
    untrimmed.getMetadata().setResourceVersion("10");
    untrimmed.getMetadata().setAnnotations(null);

    assertThatThrownBy(() -> source.onAdd(untrimmed)).isInstanceOf(NullPointerException.class);
    assertThat(
            registry
                .get(MigrationMetrics.EVENT_HANDLER_FAILURES)
                .tag("kind", "Deployment")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> InformerEventSource<R, SchemaMigration> source(
      Class<R> kind, String name) {
    var manager = controller.getEventSourceManager();
    var source =
        (InformerEventSource<R, SchemaMigration>)
            (name == null
                ? manager.getEventSourcesFor(kind).get(0)
                : manager.getEventSourceFor(kind, name));
    source.setEventHandler(events::add);
    return source;
  }

  /** As the informer hands it to the handler: put into the store, which trims it in place. */
  private static <R extends HasMetadata> R trimmed(R object, String resourceVersion) {
    object.getMetadata().setResourceVersion(resourceVersion);
    CacheTrim.<R>store().put(Cache.metaNamespaceKeyFunc(object), object);
    return object;
  }

  /** A copy whose content an update filter counts as a change. */
  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> R changed(R object) {
    if (object instanceof Deployment d) {
      return (R)
          new DeploymentBuilder(d)
              .editSpec()
              .editTemplate()
              .editSpec()
              .editFirstContainer()
              .withImage("basketball-api:1.8")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .build();
    } else if (object instanceof StatefulSet set) {
      return (R)
          new StatefulSetBuilder(set).withNewStatus().withReadyReplicas(1).endStatus().build();
    } else if (object instanceof CronJob cronJob) {
      return (R)
          new CronJobBuilder(cronJob).editMetadata().withGeneration(2L).endMetadata().build();
    } else if (object instanceof ConfigMap c) {
      return (R) new ConfigMapBuilder(c).addToData("V9__more.sql", "select 1;").build();
    } else if (object instanceof Job j) {
      return (R) new JobBuilder(j).withNewStatus().withFailed(1).endStatus().build();
    } else if (object instanceof Pod p) {
      return (R) new PodBuilder(p).withNewStatus().withPhase("Failed").endStatus().build();
    }
    throw new IllegalArgumentException(object.getKind());
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> R objectOf(Class<R> kind, String sourceName) {
    if (kind == Deployment.class) {
      return (R) deployment();
    } else if (kind == StatefulSet.class) {
      return (R) statefulSet();
    } else if (kind == CronJob.class) {
      return (R) cronJob();
    } else if (kind == ConfigMap.class) {
      return (R) configMap();
    } else if (kind == Job.class) {
      return (R) job();
    }
    return (R) ("held-pods".equals(sourceName) ? heldPod() : migrationPod());
  }

  /** The target, applied with kubectl and 0 replicas: no pod event can stand in for its own. */
  private Deployment deployment() {
    return new DeploymentBuilder(
            Scenario.appDeployment(namespace, Scenario.APP, Scenario.APP_IMAGE, 0))
        .editMetadata()
        .withAnnotations(KUBECTL_ONLY)
        .endMetadata()
        .build();
  }

  /** A workload of the target's list: its pod template is the app's Deployment's. */
  private StatefulSet statefulSet() {
    var app = deployment();
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(CACHE)
        .withNamespace(namespace)
        .withAnnotations(KUBECTL_ONLY)
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(0)
        .withSelector(app.getSpec().getSelector())
        .withTemplate(app.getSpec().getTemplate())
        .endSpec()
        .build();
  }

  private CronJob cronJob() {
    return new CronJobBuilder()
        .withNewMetadata()
        .withName(NIGHTLY)
        .withNamespace(namespace)
        .withAnnotations(KUBECTL_ONLY)
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withSchedule("0 3 * * *")
        .withNewJobTemplate()
        .withNewSpec()
        .withTemplate(deployment().getSpec().getTemplate())
        .endSpec()
        .endJobTemplate()
        .endSpec()
        .build();
  }

  private ConfigMap configMap() {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(Scenario.MIGRATIONS)
        .withNamespace(namespace)
        .withAnnotations(KUBECTL_ONLY)
        .endMetadata()
        .withData(Scenario.V1)
        .build();
  }

  /** Ours, owned by the SchemaMigration, with no annotation at all. */
  private Job job() {
    var job =
        MigrationJob.build(
            migration, "5c1f0a9e2b", "basketball-api:1.8", "schemagate:test", Optional.empty());
    job.getMetadata().setAnnotations(null);
    return job;
  }

  private Pod migrationPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("basketball-api-5c1f0a9e2b-x7k2p")
        .withNamespace(namespace)
        .withLabels(job().getSpec().getTemplate().getMetadata().getLabels())
        .endMetadata()
        .withNewSpec()
        .addToContainers(
            new ContainerBuilder().withName("migrate").withImage("schemagate:test").build())
        .endSpec()
        .build();
  }

  private Pod heldPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("basketball-api-7d9f-abcde")
        .withNamespace(namespace)
        .addToLabels(PodGate.HELD_BY, migration.getMetadata().getName())
        .endMetadata()
        .withNewSpec()
        .addToContainers(
            new ContainerBuilder().withName("app").withImage("basketball-api:1.8").build())
        .addNewSchedulingGate(PodGate.GATE)
        .endSpec()
        .build();
  }
}
