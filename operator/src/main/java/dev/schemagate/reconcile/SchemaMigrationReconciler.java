package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.gate.DeploymentGate;
import dev.schemagate.gate.HeldPod;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.PodGate;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.job.LockWatch;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.metrics.MigrationMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The imperative shell around {@link Decision}: reads the caches, carries out the plan, patches
 * status. Generation-unaware, so that the retry annotation (metadata only) triggers a reconcile;
 * the operator filters the SchemaMigration's updates with {@link RelevantUpdates#schemaMigration}
 * instead, so that its own status writes do not.
 */
@ControllerConfiguration(
    name = DeploymentGate.FIELD_MANAGER,
    finalizerName = SchemaMigrationReconciler.FINALIZER,
    generationAwareEventProcessing = false)
public class SchemaMigrationReconciler
    implements Reconciler<SchemaMigration>, Cleaner<SchemaMigration> {
  /**
   * JOSDK's default name for it, kept so that SchemaMigrations made before keep theirs; the chart's
   * MutatingAdmissionPolicy sets it at create, where JOSDK would otherwise PATCH it in.
   */
  public static final String FINALIZER = "schemamigrations.schemagate.dev/finalizer";

  private static final String BY_DEPLOYMENT = "by-deployment";
  private static final String BY_CONFIG_MAP = "by-config-map";

  private final String runnerImage;
  private final HoldMechanism mechanism;
  private final Clock clock;
  private final MigrationMetrics metrics;

  public SchemaMigrationReconciler(
      String runnerImage, HoldMechanism mechanism, Clock clock, MigrationMetrics metrics) {
    this.runnerImage = runnerImage;
    this.mechanism = mechanism;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public UpdateControl<SchemaMigration> reconcile(
      SchemaMigration migration, Context<SchemaMigration> context) {
    var deployment = context.getSecondaryResource(Deployment.class);
    var now = clock.instant();
    var observed = observe(migration, context, deployment, mechanism, now);
    var plan = Decision.decide(observed, now);
    var namespace = migration.getMetadata().getNamespace();

    // Status first: the admission policies read status.migrated, so a released image's pods are
    // admitted before any of them is ungated or re-created.
    var written = plan.status().map(s -> patchStatus(migration, s, context)).orElse(migration);
    // Right after the status they count is written, whatever the actions below do.
    metrics.reconciled(observed, plan);
    var client = context.getClient();
    var events = new EventRecorder(client, clock);
    var status = plan.status().orElse(migration.getStatus());
    if (plan.createJob()) {
      var job = MigrationJob.build(migration, status.getRevision(), status.getImage(), runnerImage);
      if (!createJob(context, job)) {
        var unwatched = unwatchedJob(context, namespace, job.getMetadata().getName());
        if (unwatched.isPresent()) {
          // This reconcile's decision made again, knowing the Job: from the status it started
          // with, so that its Events are this transition's; written where it differs from the
          // status written above.
          observed = observed.withUnwatchedJob(unwatched.get());
          plan = Decision.decide(observed, now);
          var decided = plan.status().orElse(migration.getStatus());
          if (!decided.equals(status)) {
            patchStatus(written, decided, context);
          }
          metrics.reconciled(observed, plan);
        }
      }
    }
    var gate = new PodGate(client);
    plan.release().forEach(pod -> gate.release(namespace, pod));
    plan.evict().forEach(pod -> gate.evict(namespace, pod));
    plan.nudge()
        .ifPresent(
            n ->
                gate.nudge(
                    deployment.orElseThrow(),
                    migration.getSpec().getTarget().getContainer(),
                    n.images(),
                    n.token()));
    plan.scale()
        .ifPresent(
            scale -> {
              new DeploymentGate(client)
                  .scale(
                      namespace, migration.getSpec().getTarget().getDeployment(), scale.replicas());
              events.record(migration, scale.event());
            });
    plan.events().forEach(e -> events.record(migration, e));
    return plan.requeue()
        .map(d -> UpdateControl.<SchemaMigration>noUpdate().rescheduleAfter(d))
        .orElseGet(UpdateControl::noUpdate);
  }

  /**
   * A deleted SchemaMigration holds nothing any more: its gated pods are released, or they would
   * wait for a gate nobody removes. (JOSDK removes {@link #FINALIZER} after it.)
   */
  @Override
  public DeleteControl cleanup(SchemaMigration migration, Context<SchemaMigration> context) {
    var gate = new PodGate(context.getClient());
    context
        .getSecondaryResourcesAsStream(Pod.class)
        .filter(p -> labels(p).containsKey(PodGate.HELD_BY))
        .forEach(p -> gate.release(p.getMetadata().getNamespace(), p.getMetadata().getName()));
    metrics.deleted(migration);
    return DeleteControl.defaultDelete();
  }

  /** What the caches say about this SchemaMigration, as the decision's plain data. */
  static Observation observe(
      SchemaMigration migration,
      Context<SchemaMigration> context,
      Optional<Deployment> deployment,
      HoldMechanism mechanism,
      Instant now) {
    var container = migration.getSpec().getTarget().getContainer();
    var target = deployment.map(d -> TargetDeployment.of(d, container));
    var configMap =
        migration.getSpec().getFlyway() == null
            ? null
            : context.getSecondaryResource(ConfigMap.class).orElse(null);
    var pods = context.getSecondaryResourcesAsStream(Pod.class).toList();
    var migrationPods =
        pods.stream().filter(p -> labels(p).containsKey(MigrationJob.REVISION_LABEL)).toList();
    var runs =
        context
            .getSecondaryResourcesAsStream(Job.class)
            .map(
                job ->
                    LockWatch.watch(
                        MigrationRun.of(job, migrationPods),
                        migrationPods,
                        now,
                        pod -> logTail(context, migration.getMetadata().getNamespace(), pod)))
            .toList();
    var held =
        pods.stream()
            .filter(p -> labels(p).containsKey(PodGate.HELD_BY))
            .map(
                p ->
                    new HeldPod(
                        p.getMetadata().getName(),
                        TargetDeployment.appImage(p.getSpec().getContainers(), container)
                            .orElse(""),
                        Optional.ofNullable(p.getMetadata().getCreationTimestamp())
                            .map(Instant::parse)))
            .toList();
    var source = MigrationSource.resolve(migration, configMap, target);
    var unwatched =
        Decision.unwatchedJobToRecheck(migration.getStatus(), runs)
            .flatMap(job -> unwatchedJob(context, migration.getMetadata().getNamespace(), job));
    var heldBy =
        TargetClaim.heldByOther(
            migration,
            context
                .getPrimaryCache()
                .byIndex(
                    BY_DEPLOYMENT,
                    key(
                        migration.getMetadata().getNamespace(),
                        migration.getSpec().getTarget().getDeployment())));
    return new Observation(
        migration,
        source,
        runs,
        target,
        held,
        // Strays are the gate's business: not this one's while another SchemaMigration holds it.
        heldBy.isPresent() ? List.of() : strayPods(migration, context, deployment, source, held),
        mechanism,
        heldBy,
        unwatched);
  }

  /**
   * Pods of the wanted, unmigrated image that admission did not hold, because they were created
   * before their SchemaMigration existed (kubectl and GitOps apply custom resources last). Read
   * with one LIST, and only while that image waits for its migration and the Deployment counts more
   * pods of its template than are held: no cache of every pod.
   */
  private static List<HeldPod> strayPods(
      SchemaMigration migration,
      Context<SchemaMigration> context,
      Optional<Deployment> deployment,
      MigrationSource source,
      List<HeldPod> held) {
    if (deployment.isEmpty()
        || !(source instanceof MigrationSource.Valid valid)
        || updatedReplicas(deployment.get())
            <= held.stream().filter(p -> p.image().equals(valid.image())).count()
        || (migration.getStatus() != null
            && migration.getStatus().getMigrated().stream()
                .anyMatch(m -> m.getImage().equals(valid.image())))) {
      return List.of();
    }
    var container = migration.getSpec().getTarget().getContainer();
    return context
        .getClient()
        .pods()
        .inNamespace(migration.getMetadata().getNamespace())
        .withLabels(deployment.get().getSpec().getSelector().getMatchLabels())
        .list()
        .getItems()
        .stream()
        .filter(p -> PodGate.stray(p, container, valid.image()))
        .map(p -> new HeldPod(p.getMetadata().getName(), valid.image()))
        .toList();
  }

  /** One GET of pods/log; a log that cannot be read (the pod just ended) is no reason to fail. */
  private static Optional<String> logTail(
      Context<SchemaMigration> context, String namespace, String pod) {
    try {
      return Optional.ofNullable(
          context
              .getClient()
              .pods()
              .inNamespace(namespace)
              .withName(pod)
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

  private static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }

  /**
   * The Job of this name, read with one GET, if it exists outside the selector the Job cache is
   * filled by. A Job inside it is only one the cache has not caught up with yet.
   */
  private static Optional<Observation.UnwatchedJob> unwatchedJob(
      Context<SchemaMigration> context, String namespace, String name) {
    return Optional.ofNullable(
            context.getClient().batch().v1().jobs().inNamespace(namespace).withName(name).get())
        .map(MigrationJob::missingSelectorLabels)
        .filter(missing -> !missing.isEmpty())
        .map(missing -> new Observation.UnwatchedJob(name, missing));
  }

  /** The SchemaMigration as the API server has it after the patch. */
  private static SchemaMigration patchStatus(
      SchemaMigration migration, SchemaMigrationStatus status, Context<SchemaMigration> context) {
    return PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
        migration, withStatus(migration, status), context);
  }

  /**
   * False when the Job already exists: usually the informer had not caught up with an earlier
   * create; or the Job was edited out of the informer's selector.
   */
  @SuppressWarnings("unchecked")
  private static boolean createJob(Context<SchemaMigration> context, Job job) {
    try {
      var created =
          context
              .getClient()
              .batch()
              .v1()
              .jobs()
              .inNamespace(job.getMetadata().getNamespace())
              .resource(job)
              .create();
      // Into the Job cache now, not when its watch event comes: a reconcile in between (our own
      // status write triggers one) would otherwise try the create again and get a 409.
      ((InformerEventSource<Job, SchemaMigration>)
              context.eventSourceRetriever().getEventSourceFor(Job.class))
          .handleRecentResourceCreate(ResourceID.fromResource(created), created);
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
    // Unexpected trouble talking to the API server: say so on the resource; JOSDK retries.
    return ErrorStatusUpdateControl.patchStatus(
        withStatus(migration, Decision.onError(migration, e.getMessage(), clock.instant())));
  }

  /** The kinds of the primary and of every event source below. */
  public static final List<Class<? extends HasMetadata>> WATCHED_KINDS =
      List.of(SchemaMigration.class, Deployment.class, ConfigMap.class, Job.class, Pod.class);

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
            m -> Optional.of(m.getSpec().getTarget().getDeployment()),
            RelevantUpdates::deployment);
    var configMaps =
        byName(
            ConfigMap.class,
            context,
            BY_CONFIG_MAP,
            m ->
                Optional.ofNullable(m.getSpec().getFlyway())
                    .map(f -> f.getConfigMapRef().getName()),
            // Rarely updated, and then in what the migration is made of.
            (now, before) -> true);
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, SchemaMigration.class)
            .withLabelSelector(MigrationJob.SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(SchemaMigration.class))
            .withOnUpdateFilter(RelevantUpdates::job)
            .withNamespacesInheritedFromController()
            .withItemStore(CacheTrim.storeFor(namespaces(context)))
            .build();
    // (No type label: the label's value names a SchemaMigration.)
    // Migration pods carry the termination message of a failed run and say first that it
    // succeeded; they map back by instance label.
    var migrationPods =
        InformerEventSourceConfiguration.from(Pod.class, SchemaMigration.class)
            .withName("migration-pods")
            .withLabelSelector(MigrationJob.SELECTOR)
            .withSecondaryToPrimaryMapper(
                Mappers.fromLabel(MigrationJob.INSTANCE_LABEL, null, SchemaMigration.class))
            .withOnUpdateFilter(RelevantUpdates::migrationPod)
            .withNamespacesInheritedFromController()
            .withItemStore(CacheTrim.storeFor(namespaces(context)))
            .build();
    // Held pods: admission labelled them with the SchemaMigration that holds them.
    var heldPods =
        InformerEventSourceConfiguration.from(Pod.class, SchemaMigration.class)
            .withName("held-pods")
            .withLabelSelector(PodGate.HELD_BY)
            .withSecondaryToPrimaryMapper(
                Mappers.fromLabel(PodGate.HELD_BY, null, SchemaMigration.class))
            .withNamespacesInheritedFromController()
            .withItemStore(CacheTrim.storeFor(namespaces(context)))
            .build();
    return List.of(
        counted(deployments, context),
        counted(configMaps, context),
        counted(jobs, context),
        counted(migrationPods, context),
        counted(heldPods, context));
  }

  private <R extends HasMetadata> EventSource<R, SchemaMigration> counted(
      InformerEventSourceConfiguration<R> configuration,
      EventSourceContext<SchemaMigration> context) {
    return new FailureCountingEventSource<>(configuration, context, metrics::eventHandlerFailed);
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
      Function<SchemaMigration, Optional<String>> nameInSpec,
      OnUpdateFilter<R> relevant) {
    return InformerEventSourceConfiguration.from(type, SchemaMigration.class)
        .withOnUpdateFilter(relevant)
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
        .withItemStore(CacheTrim.storeFor(namespaces(context)))
        .build();
  }

  private static Set<String> namespaces(EventSourceContext<SchemaMigration> context) {
    return context.getControllerConfiguration().getInformerConfig().getNamespaces();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
