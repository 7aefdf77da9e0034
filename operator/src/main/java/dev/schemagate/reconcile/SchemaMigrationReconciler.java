package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.gate.DeploymentGate;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationJob;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The imperative shell around {@link Decision}: reads the caches, carries out the plan, patches
 * status. Generation-unaware, so that the retry annotation (metadata only) triggers a reconcile.
 */
@ControllerConfiguration(
    name = DeploymentGate.FIELD_MANAGER,
    generationAwareEventProcessing = false)
public class SchemaMigrationReconciler implements Reconciler<SchemaMigration> {
  private static final String BY_DEPLOYMENT = "by-deployment";
  private static final String BY_CONFIG_MAP = "by-config-map";

  private final String runnerImage;
  private final Clock clock;

  public SchemaMigrationReconciler(String runnerImage, Clock clock) {
    this.runnerImage = runnerImage;
    this.clock = clock;
  }

  @Override
  public UpdateControl<SchemaMigration> reconcile(
      SchemaMigration migration, Context<SchemaMigration> context) {
    var configMap =
        migration.getSpec().getFlyway() == null
            ? null
            : context.getSecondaryResource(ConfigMap.class).orElse(null);
    var source = MigrationSource.resolve(migration, configMap);
    JobOutcome job = new JobOutcome.Absent();
    if (source instanceof MigrationSource.Valid valid) {
      var jobName = MigrationJob.name(migration.getMetadata().getName(), valid.revision());
      var pods =
          context
              .getSecondaryResourcesAsStream(Pod.class)
              .filter(
                  p ->
                      valid
                          .revision()
                          .equals(p.getMetadata().getLabels().get(MigrationJob.REVISION_LABEL)))
              .toList();
      job =
          JobOutcome.of(
              context
                  .getSecondaryResourcesAsStream(Job.class)
                  .filter(j -> jobName.equals(j.getMetadata().getName()))
                  .findFirst()
                  .orElse(null),
              pods);
    }
    var replicas =
        context
            .getSecondaryResource(Deployment.class)
            .map(d -> d.getSpec().getReplicas())
            .orElse(null);

    var plan = Decision.decide(new Observation(migration, source, job, replicas), clock.instant());

    // Status first: the pod admission policy (charts/schemagate) reads status.revision and
    // status.appliedRevision, so a released Deployment's pods are admitted as soon as it scales.
    plan.status()
        .ifPresent(
            s ->
                PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
                    migration, withStatus(migration, s), context));
    var client = context.getClient();
    var events = new EventRecorder(client, clock);
    if (plan.createJob()) {
      var revision = ((MigrationSource.Valid) source).revision();
      if (createJob(context, MigrationJob.build(migration, revision, runnerImage))) {
        events.record(
            migration,
            Plan.Event.normal(
                Reasons.MIGRATION_STARTED,
                "Started Job %s for revision %s"
                    .formatted(
                        MigrationJob.name(migration.getMetadata().getName(), revision), revision)));
      }
    }
    plan.scale()
        .ifPresent(
            scale -> {
              new DeploymentGate(client)
                  .scale(
                      migration.getMetadata().getNamespace(),
                      migration.getSpec().getTarget().getDeployment(),
                      scale.replicas());
              events.record(migration, scale.event());
            });
    plan.events().forEach(e -> events.record(migration, e));
    return UpdateControl.noUpdate();
  }

  /** False when the Job already existed: the informer had not caught up with an earlier create. */
  private static boolean createJob(Context<SchemaMigration> context, Job job) {
    try {
      context
          .getClient()
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .resource(job)
          .create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }

  /** Server-side apply wants the intent only: identity and the status we own. */
  private static SchemaMigration withStatus(
      SchemaMigration migration, SchemaMigrationStatus status) {
    var fresh = new SchemaMigration();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(migration.getMetadata().getName())
            .withNamespace(migration.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }

  @Override
  public ErrorStatusUpdateControl<SchemaMigration> updateErrorStatus(
      SchemaMigration migration, Context<SchemaMigration> context, Exception e) {
    // Unexpected trouble talking to the API server: say so on the resource; JOSDK retries with
    // back-off.
    var previous = Optional.ofNullable(migration.getStatus()).orElseGet(SchemaMigrationStatus::new);
    var status = new SchemaMigrationStatus();
    status.setObservedGeneration(previous.getObservedGeneration());
    status.setRevision(previous.getRevision());
    status.setAppliedRevision(previous.getAppliedRevision());
    status.setJob(previous.getJob());
    status.setConditions(
        Conditions.of(
            new Conditions.Verdict(
                false,
                true,
                false,
                Reasons.RECONCILE_ERROR,
                "Retrying after error: " + e.getMessage()),
            previous.getConditions(),
            Optional.ofNullable(migration.getMetadata().getGeneration()).orElse(0L),
            clock.instant()));
    return ErrorStatusUpdateControl.patchStatus(withStatus(migration, status));
  }

  @Override
  public List<EventSource<?, SchemaMigration>> prepareEventSources(
      EventSourceContext<SchemaMigration> context) {
    var cache = context.getPrimaryCache();
    cache.addIndexer(
        BY_DEPLOYMENT,
        m -> List.of(key(m.getMetadata().getNamespace(), m.getSpec().getTarget().getDeployment())));
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
        byName(
            Deployment.class,
            context,
            BY_DEPLOYMENT,
            m -> Optional.of(m.getSpec().getTarget().getDeployment()));
    var configMaps =
        byName(
            ConfigMap.class,
            context,
            BY_CONFIG_MAP,
            m ->
                Optional.ofNullable(m.getSpec().getFlyway())
                    .map(f -> f.getConfigMapRef().getName()));
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, SchemaMigration.class)
            .withLabelSelector(MigrationJob.SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(SchemaMigration.class))
            .withNamespacesInheritedFromController()
            .build();
    // Migration pods carry the termination message of a failed run; they map back by instance
    // label.
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, SchemaMigration.class)
            .withLabelSelector(MigrationJob.SELECTOR)
            .withSecondaryToPrimaryMapper(
                pod ->
                    Set.of(
                        new ResourceID(
                            pod.getMetadata().getLabels().get(MigrationJob.INSTANCE_LABEL),
                            pod.getMetadata().getNamespace())))
            .withNamespacesInheritedFromController()
            .build();
    return List.of(
        new InformerEventSource<>(deployments, context),
        new InformerEventSource<>(configMaps, context),
        new InformerEventSource<>(jobs, context),
        new InformerEventSource<>(pods, context));
  }

  /**
   * Deployments and ConfigMaps are not ours: they map to the SchemaMigrations that name them
   * through an index, and back through the spec (so a SchemaMigration created after them still sees
   * them).
   */
  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> byName(
      Class<R> type,
      EventSourceContext<SchemaMigration> context,
      String index,
      Function<SchemaMigration, Optional<String>> nameInSpec) {
    return InformerEventSourceConfiguration.from(type, SchemaMigration.class)
        .withSecondaryToPrimaryMapper(
            r ->
                context
                    .getPrimaryCache()
                    .byIndex(index, key(r.getMetadata().getNamespace(), r.getMetadata().getName()))
                    .stream()
                    .map(ResourceID::fromResource)
                    .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper(
            (PrimaryToSecondaryMapper<SchemaMigration>)
                m ->
                    nameInSpec
                        .apply(m)
                        .map(name -> Set.of(new ResourceID(name, m.getMetadata().getNamespace())))
                        .orElse(Set.of()))
        .withNamespacesInheritedFromController()
        .build();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
