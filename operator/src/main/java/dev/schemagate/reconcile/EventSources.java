package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.PodGate;
import dev.schemagate.gate.WorkloadRef;
import dev.schemagate.job.MigrationJob;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What a reconcile is triggered by, and what fills the caches it reads. */
public final class EventSources {
  /** The kinds of the primary and of every event source below. */
  public static final List<Class<? extends HasMetadata>> WATCHED_KINDS =
      List.of(
          SchemaMigration.class,
          Deployment.class,
          StatefulSet.class,
          CronJob.class,
          ConfigMap.class,
          Job.class,
          Pod.class);

  /** The primary cache's index of SchemaMigrations by each workload they name (kind and name). */
  static final String BY_WORKLOAD = "by-workload";

  /** The primary cache's index of SchemaMigrations by their database's Secret and key. */
  static final String BY_DATABASE = "by-database";

  private static final String BY_CONFIG_MAP = "by-config-map";

  private EventSources() {}

  /**
   * The event sources, each counting the events its handler threw on in {@code handlerFailed} (by
   * kind).
   */
  static List<EventSource<?, SchemaMigration>> prepare(
      EventSourceContext<SchemaMigration> context, Consumer<String> handlerFailed) {
    var cache = context.getPrimaryCache();
    cache.addIndexer(
        BY_WORKLOAD,
        m ->
            WorkloadRef.all(m.getSpec().getTarget()).stream()
                .map(w -> TargetClaim.workloadKey(m.getMetadata().getNamespace(), w))
                .toList());
    cache.addIndexer(BY_DATABASE, m -> List.of(TargetClaim.databaseKey(m)));
    cache.addIndexer(
        BY_CONFIG_MAP,
        m ->
            m.getSpec().getFlyway() == null
                ? List.of()
                : List.of(
                    key(
                        m.getMetadata().getNamespace(),
                        m.getSpec().getFlyway().getConfigMapRef().getName())));

    var deployments =
        workloads(Deployment.class, WorkloadKind.Deployment, context, RelevantUpdates::deployment);
    var statefulSets =
        workloads(
            StatefulSet.class, WorkloadKind.StatefulSet, context, RelevantUpdates::statefulSet);
    var cronJobs =
        workloads(CronJob.class, WorkloadKind.CronJob, context, RelevantUpdates::cronJob);
    var configMaps =
        byName(
            ConfigMap.class,
            context,
            r -> key(r.getMetadata().getNamespace(), r.getMetadata().getName()),
            BY_CONFIG_MAP,
            m ->
                Optional.ofNullable(m.getSpec().getFlyway())
                    .map(f -> Set.of(f.getConfigMapRef().getName()))
                    .orElse(Set.of()),
            // Rarely updated, and then in what the migration is made of.
            (now, before) -> true);
    return List.of(
        new FailureCountingEventSource<>(deployments, context, handlerFailed),
        new FailureCountingEventSource<>(statefulSets, context, handlerFailed),
        new FailureCountingEventSource<>(cronJobs, context, handlerFailed),
        new FailureCountingEventSource<>(configMaps, context, handlerFailed),
        new FailureCountingEventSource<>(jobs(context), context, handlerFailed),
        new FailureCountingEventSource<>(migrationPods(context), context, handlerFailed),
        new FailureCountingEventSource<>(heldPods(context), context, handlerFailed));
  }

  /** (No type label: the label's value names a SchemaMigration.) */
  private static InformerEventSourceConfiguration<Job> jobs(
      EventSourceContext<SchemaMigration> context) {
    return InformerEventSourceConfiguration.from(Job.class, SchemaMigration.class)
        .withLabelSelector(MigrationJob.SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(SchemaMigration.class))
        .withOnUpdateFilter(RelevantUpdates::job)
        .withNamespacesInheritedFromController()
        .withItemStore(CacheTrim.storeFor(namespaces(context)))
        .build();
  }

  /**
   * Migration pods carry the termination message of a failed run and say first that it succeeded;
   * they map back by instance label.
   */
  private static InformerEventSourceConfiguration<Pod> migrationPods(
      EventSourceContext<SchemaMigration> context) {
    return InformerEventSourceConfiguration.from(Pod.class, SchemaMigration.class)
        .withName("migration-pods")
        .withLabelSelector(MigrationJob.SELECTOR)
        .withSecondaryToPrimaryMapper(
            Mappers.fromLabel(MigrationJob.INSTANCE_LABEL, null, SchemaMigration.class))
        .withOnUpdateFilter(RelevantUpdates::migrationPod)
        .withNamespacesInheritedFromController()
        .withItemStore(CacheTrim.storeFor(namespaces(context)))
        .build();
  }

  /** Held pods: admission labelled them with the SchemaMigration that holds them. */
  private static InformerEventSourceConfiguration<Pod> heldPods(
      EventSourceContext<SchemaMigration> context) {
    return InformerEventSourceConfiguration.from(Pod.class, SchemaMigration.class)
        .withName("held-pods")
        .withLabelSelector(PodGate.HELD_BY)
        .withSecondaryToPrimaryMapper(
            Mappers.fromLabel(PodGate.HELD_BY, null, SchemaMigration.class))
        .withNamespacesInheritedFromController()
        .withItemStore(CacheTrim.storeFor(namespaces(context)))
        .build();
  }

  /** The workloads of one kind that SchemaMigrations name. */
  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> workloads(
      Class<R> type,
      WorkloadKind kind,
      EventSourceContext<SchemaMigration> context,
      OnUpdateFilter<R> relevant) {
    return byName(
        type,
        context,
        r ->
            TargetClaim.workloadKey(
                r.getMetadata().getNamespace(),
                new WorkloadRef(kind, r.getMetadata().getName(), null)),
        BY_WORKLOAD,
        m ->
            WorkloadRef.all(m.getSpec().getTarget()).stream()
                .filter(w -> w.kind() == kind)
                .map(WorkloadRef::name)
                .collect(Collectors.toSet()),
        relevant);
  }

  /**
   * Workloads and ConfigMaps are not ours: they map to the SchemaMigrations that name them through
   * an index, and back through the spec (so a SchemaMigration created after them still sees them).
   */
  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> byName(
      Class<R> type,
      EventSourceContext<SchemaMigration> context,
      Function<R, String> indexKey,
      String index,
      Function<SchemaMigration, Set<String>> namesInSpec,
      OnUpdateFilter<R> relevant) {
    return InformerEventSourceConfiguration.from(type, SchemaMigration.class)
        .withOnUpdateFilter(relevant)
        .withSecondaryToPrimaryMapper(
            r ->
                context.getPrimaryCache().byIndex(index, indexKey.apply(r)).stream()
                    .map(ResourceID::fromResource)
                    .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper(
            (PrimaryToSecondaryMapper<SchemaMigration>)
                m ->
                    namesInSpec.apply(m).stream()
                        .map(name -> new ResourceID(name, m.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
        .withNamespacesInheritedFromController()
        .withItemStore(CacheTrim.storeFor(namespaces(context)))
        .build();
  }

  private static Set<String> namespaces(EventSourceContext<SchemaMigration> context) {
    return context.getControllerConfiguration().getInformerConfig().getNamespaces();
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
