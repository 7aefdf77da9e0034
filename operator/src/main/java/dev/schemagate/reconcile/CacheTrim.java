package dev.schemagate.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * What the informers keep of each object: all of it but the fields no decision reads and that weigh
 * most. managedFields (server-side apply's per-manager field sets, a nested map per manager) and
 * kubectl's last-applied-configuration (a second copy of the object, as JSON) are most of a small
 * object's size in the heap, and nothing here reads them: our own writes are applies that name
 * their field manager.
 */
public final class CacheTrim {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private CacheTrim() {}

  /** An informer item store that keeps each object trimmed. */
  public static <R extends HasMetadata> TransformingItemStore<R> store() {
    return new TransformingItemStore<>(CacheTrim::trim);
  }

  /**
   * The store for an informer of these namespaces (JOSDK's set: one name, or its all-namespaces
   * marker), or null for JOSDK's own: JOSDK gives one item store to the informer of each namespace
   * in a list, and each one's relist would drop the others' objects from a shared store.
   */
  public static <R extends HasMetadata> TransformingItemStore<R> storeFor(Set<String> namespaces) {
    return namespaces.size() == 1 ? store() : null;
  }

  /** Drops managedFields and the last-applied annotation, in place; returns the object. */
  static <R extends HasMetadata> R trim(R resource) {
    var meta = resource.getMetadata();
    if (meta == null) {
      return resource;
    }
    meta.setManagedFields(null);
    var annotations = meta.getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      var kept = new LinkedHashMap<>(annotations);
      kept.remove(LAST_APPLIED);
      meta.setAnnotations(kept.isEmpty() ? null : kept);
    }
    return resource;
  }
}
