package dev.schemagate.testenv;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** What the bench's and chaos' watches hand their informers. */
public final class Informers {
  private Informers() {}

  /** Passes each object added or updated to {@code on}; deletions are not news to a recorder. */
  public static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<T> on) {
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
}
