package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.gate.DeploymentGate;
import dev.schemagate.gate.PodGate;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.job.RehearsalJob;
import dev.schemagate.metrics.MigrationMetrics;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Optional;

/**
 * What one reconcile writes: the plan carried out against the API server. The status and the Job
 * come first ({@link DecisionWrites}); the pods, the Deployment and the Events after.
 */
final class PlanWriter implements DecisionWrites.Writer {
  private final Context<SchemaMigration> context;
  private final SchemaMigration migration;
  private final Observer observer;
  private final Observation observed;
  private final String runnerImage;
  private final MigrationMetrics metrics;
  private final EventRecorder events;

  /** The SchemaMigration as the API server has it after this reconcile's last status write. */
  private SchemaMigration current;

  PlanWriter(
      Context<SchemaMigration> context,
      SchemaMigration migration,
      Observer observer,
      Observation observed,
      String runnerImage,
      MigrationMetrics metrics,
      Clock clock) {
    this.context = context;
    this.migration = migration;
    this.current = migration;
    this.observer = observer;
    this.observed = observed;
    this.runnerImage = runnerImage;
    this.metrics = metrics;
    this.events = new EventRecorder(context.getClient(), clock);
  }

  @Override
  public void status(SchemaMigrationStatus status) {
    current =
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
            current, withStatus(current, status), context);
  }

  @Override
  public void decided(Observation observed, Plan plan) {
    // Right after the status they count is written, whatever the actions below do.
    metrics.reconciled(plan.reconciled(observed));
  }

  /**
   * Creates the Job. A 409 usually means the informer had not caught up with an earlier create; or
   * the Job was edited out of the informer's selector, which one GET tells.
   */
  @Override
  public Optional<Observation.UnwatchedJob> createJob(SchemaMigrationStatus status) {
    var job = ofAppPod(status, MigrationJob::build);
    if (job.isEmpty() || create(job.get())) {
      return Optional.empty();
    }
    return observer.unwatchedJob(
        job.get().getMetadata().getNamespace(), job.get().getMetadata().getName());
  }

  /** Creates the rehearsal Job; one that exists already (the cache lagging) is left as it is. */
  @Override
  public void createRehearsal(SchemaMigrationStatus status) {
    // The same workload's pod as the production Job's: the rehearsal runs what production will.
    ofAppPod(status, RehearsalJob::build).ifPresent(this::create);
  }

  /** How {@link MigrationJob#build} and {@link RehearsalJob#build} make a Job of the app's pod. */
  @FunctionalInterface
  private interface JobOfAppPod {
    Job build(
        SchemaMigration migration,
        String revision,
        String image,
        String runnerImage,
        Optional<PodTemplateSpec> app,
        String appContainer);
  }

  /**
   * The Job {@code build} makes of the pod of the first workload whose template runs the wanted
   * image (one Job per image); empty when that workload is gone since the cache saw it (its delete
   * event reconciles again).
   */
  private Optional<Job> ofAppPod(SchemaMigrationStatus status, JobOfAppPod build) {
    var namespace = migration.getMetadata().getNamespace();
    return WantedImage.source(observed.workloads(), status.getImage())
        .flatMap(
            w ->
                TargetWorkloads.podTemplate(context.getClient(), namespace, w.ref())
                    .map(
                        template ->
                            build.build(
                                migration,
                                status.getRevision(),
                                status.getImage(),
                                runnerImage,
                                Optional.of(template),
                                w.ref().container())));
  }

  /** The plan's actions after its status and Job: pods, the Deployment's replicas, Events. */
  void carryOut(Plan plan) {
    var namespace = migration.getMetadata().getNamespace();
    var client = context.getClient();
    var gate = new PodGate(client);
    plan.release().forEach(pod -> gate.release(namespace, pod));
    plan.evict().forEach(pod -> gate.evict(namespace, pod));
    plan.nudge()
        .forEach(
            n ->
                TargetWorkloads.deployment(context, n.deployment())
                    .ifPresent(d -> gate.nudge(d, n.container(), n.images(), n.token())));
    plan.scale()
        .ifPresent(
            scale -> {
              new DeploymentGate(client).scale(namespace, scale.deployment(), scale.replicas());
              events.record(migration, scale.event());
            });
    plan.events().forEach(e -> events.record(migration, e));
  }

  /** False when the Job already exists. */
  @SuppressWarnings("unchecked")
  private boolean create(Job job) {
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
  static SchemaMigration withStatus(SchemaMigration migration, SchemaMigrationStatus status) {
    var fresh = new SchemaMigration();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(migration.getMetadata().getName())
            .withNamespace(migration.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }
}
