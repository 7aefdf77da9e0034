package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.function.Consumer;

/**
 * An informer event source that counts the exceptions its event handlers throw. fabric8 catches and
 * logs them, and the event they were handling is lost: the SchemaMigration it was for is not
 * reconciled until some other event or the maximum reconciliation interval. A count that is not
 * zero is that loss, made visible to an alert. The exception still goes to fabric8, which logs it.
 */
final class FailureCountingEventSource<R extends HasMetadata>
    extends InformerEventSource<R, SchemaMigration> {
  private final Consumer<String> failed;

  /**
   * @param failed told the kind of the object whose event failed
   */
  FailureCountingEventSource(
      InformerEventSourceConfiguration<R> configuration,
      EventSourceContext<SchemaMigration> context,
      Consumer<String> failed) {
    super(configuration, context);
    this.failed = failed;
  }

  @Override
  public void onAdd(R resource) {
    counted(resource, () -> super.onAdd(resource));
  }

  @Override
  public void onUpdate(R before, R after) {
    counted(after, () -> super.onUpdate(before, after));
  }

  @Override
  public void onDelete(R resource, boolean finalStateUnknown) {
    counted(resource, () -> super.onDelete(resource, finalStateUnknown));
  }

  private void counted(R resource, Runnable handler) {
    try {
      handler.run();
    } catch (RuntimeException e) {
      failed.accept(resource.getKind());
      throw e;
    }
  }
}
