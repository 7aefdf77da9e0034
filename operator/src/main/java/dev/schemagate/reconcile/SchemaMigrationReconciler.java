package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.DeploymentGate;
import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.gate.PodGate;
import dev.schemagate.metrics.MigrationMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;

/**
 * The imperative shell around {@link Decision}: observe ({@link Observer}), decide, write ({@link
 * PlanWriter}). Generation-unaware, so that the retry annotation (metadata only) triggers a
 * reconcile; the operator filters the SchemaMigration's updates with {@link
 * RelevantUpdates#schemaMigration} instead, so that its own status writes do not.
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
    var now = clock.instant();
    var observer = new Observer(context, mechanism);
    var observed = observer.observe(migration, now);
    var writer =
        new PlanWriter(context, migration, observer, observed, runnerImage, metrics, clock);
    var plan = DecisionWrites.decideAndWrite(observed, now, writer);
    writer.carryOut(plan);
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
        .filter(p -> Observer.labels(p).containsKey(PodGate.HELD_BY))
        .forEach(p -> gate.release(p.getMetadata().getNamespace(), p.getMetadata().getName()));
    metrics.deleted(migration);
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<SchemaMigration> updateErrorStatus(
      SchemaMigration migration, Context<SchemaMigration> context, Exception e) {
    // Unexpected trouble talking to the API server: say so on the resource; JOSDK retries.
    return ErrorStatusUpdateControl.patchStatus(
        PlanWriter.withStatus(
            migration, Decision.onError(migration, e.getMessage(), clock.instant())));
  }

  @Override
  public List<EventSource<?, SchemaMigration>> prepareEventSources(
      EventSourceContext<SchemaMigration> context) {
    return EventSources.prepare(context, metrics::eventHandlerFailed);
  }
}
