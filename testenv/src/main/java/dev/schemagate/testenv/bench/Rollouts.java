package dev.schemagate.testenv.bench;

import dev.schemagate.gate.PodGate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the watch saw of the apps' rollouts, per app and image, as the first instant (a nanoTime
 * stamp) of each: a pod created, a pod held by SchemaGate's scheduling gate, a held pod seen with
 * the gate gone (released), a ReplicaSet whose pod creates were refused. Fed by informer events of
 * the apps' pods and ReplicaSets (thread-safe: one informer thread writes, the run reads).
 */
final class Rollouts {
  private final Map<String, Long> created = new ConcurrentHashMap<>();
  private final Map<String, Long> held = new ConcurrentHashMap<>();
  private final Map<String, Long> released = new ConcurrentHashMap<>();
  private final Map<String, Long> refused = new ConcurrentHashMap<>();
  private final Set<String> gatedPods = ConcurrentHashMap.newKeySet();

  /** A pod the watch learns of: created now, or (on the informer's first list) before. */
  void podAdded(Pod pod, long now) {
    var key = key(pod.getMetadata().getNamespace(), pod.getMetadata().getLabels(), pod.getSpec());
    if (key != null) {
      created.putIfAbsent(key, now);
      podSeen(key, pod, now);
    }
  }

  void podUpdated(Pod pod, long now) {
    var key = key(pod.getMetadata().getNamespace(), pod.getMetadata().getLabels(), pod.getSpec());
    if (key != null) {
      podSeen(key, pod, now);
    }
  }

  private void podSeen(String key, Pod pod, long now) {
    var uid = pod.getMetadata().getUid();
    if (gated(pod)) {
      gatedPods.add(uid);
      held.putIfAbsent(key, now);
    } else if (gatedPods.contains(uid)) {
      // Only a gate seen and then seen gone is a release: a pod first seen without one tells
      // nothing of when it was released.
      released.putIfAbsent(key, now);
    }
  }

  void replicaSet(ReplicaSet rs, long now) {
    var failing =
        rs.getStatus() != null
            && rs.getStatus().getConditions() != null
            && rs.getStatus().getConditions().stream()
                .anyMatch(
                    c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()));
    var template = rs.getSpec().getTemplate();
    var key =
        template == null || template.getMetadata() == null
            ? null
            : key(
                rs.getMetadata().getNamespace(),
                template.getMetadata().getLabels(),
                template.getSpec());
    if (failing && key != null) {
      refused.putIfAbsent(key, now);
    }
  }

  Long created(App app, String image) {
    return created.get(key(app, image));
  }

  Long held(App app, String image) {
    return held.get(key(app, image));
  }

  Long released(App app, String image) {
    return released.get(key(app, image));
  }

  Long refused(App app, String image) {
    return refused.get(key(app, image));
  }

  static boolean gated(Pod pod) {
    var gates = pod.getSpec().getSchedulingGates();
    return gates != null && gates.stream().anyMatch(g -> PodGate.GATE.equals(g.getName()));
  }

  private static String key(App app, String image) {
    return app.namespace() + "/" + app.name() + "/" + image;
  }

  /** Namespace, app (its name label) and the app container's image; null if not an app's. */
  private static String key(String namespace, Map<String, String> labels, PodSpec spec) {
    var app = labels == null ? null : labels.get(App.NAME_LABEL);
    var image =
        spec == null
            ? null
            : Objects.requireNonNullElse(spec.getContainers(), List.<Container>of()).stream()
                .filter(c -> App.CONTAINER.equals(c.getName()))
                .map(Container::getImage)
                .findFirst()
                .orElse(null);
    return app == null || image == null ? null : namespace + "/" + app + "/" + image;
  }
}
