package dev.schemagate.job;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * spec.job.podTemplate.spec over the migration pod's spec, as a strategic merge patch of a pod
 * would go (kubectl's rules, the few a pod needs): objects merge field by field; lists of named
 * things merge by their key, an item with {@code $patch: delete} removing its match; other lists
 * and values replace; a null removes the field. Pure.
 */
final class PodPatch {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  /** The key each list of a pod spec merges by, as Kubernetes declares it (patchMergeKey). */
  static final Map<String, String> MERGE_KEYS =
      Map.of(
          "containers", "name",
          "initContainers", "name",
          "volumes", "name",
          "env", "name",
          "imagePullSecrets", "name",
          "volumeMounts", "mountPath",
          "hostAliases", "ip",
          "ports", "containerPort");

  private PodPatch() {}

  static PodSpec apply(PodSpec pod, Map<String, Object> patch) {
    if (patch == null) {
      return pod;
    }
    var merged = merge(JSON.convertValue(pod, OBJECT), patch);
    return JSON.convertValue(merged, PodSpec.class);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
    var merged = new LinkedHashMap<>(base);
    patch.forEach(
        (field, value) -> {
          var old = merged.get(field);
          if (value == null) {
            merged.remove(field);
          } else if (value instanceof Map<?, ?> m && old instanceof Map<?, ?> o) {
            merged.put(field, merge((Map<String, Object>) o, (Map<String, Object>) m));
          } else if (value instanceof List<?> l
              && old instanceof List<?> o
              && MERGE_KEYS.containsKey(field)) {
            merged.put(field, mergeList(o, l, MERGE_KEYS.get(field)));
          } else {
            merged.put(field, value);
          }
        });
    return merged;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> mergeList(List<?> base, List<?> patch, String key) {
    var merged = new ArrayList<Object>(base);
    for (var item : patch) {
      if (!(item instanceof Map<?, ?> change) || change.get(key) == null) {
        merged.add(item);
        continue;
      }
      int at = -1;
      for (int i = 0; i < merged.size(); i++) {
        if (merged.get(i) instanceof Map<?, ?> m
            && Objects.equals(String.valueOf(m.get(key)), String.valueOf(change.get(key)))) {
          at = i;
          break;
        }
      }
      if ("delete".equals(change.get("$patch"))) {
        if (at >= 0) {
          merged.remove(at);
        }
      } else if (at >= 0) {
        merged.set(
            at,
            merge((Map<String, Object>) merged.get(at), (Map<String, Object>) (Map<?, ?>) change));
      } else {
        merged.add(item);
      }
    }
    return merged;
  }
}
