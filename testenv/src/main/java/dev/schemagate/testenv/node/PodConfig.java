package dev.schemagate.testenv.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's environment and volumes from its spec and the Secrets and ConfigMaps it names, read when
 * a container starts, as the kubelet does. What is missing and not optional is a {@link
 * ConfigException} with the kubelet's message; the caller retries.
 */
final class PodConfig {
  /** The pod cannot start yet; the message is what the kubelet would report. */
  static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }

  private enum Kind {
    SECRET("secret", "Secret"),
    CONFIG_MAP("configmap", "ConfigMap");

    final String lower;
    final String title;

    Kind(String lower, String title) {
      this.lower = lower;
      this.title = title;
    }
  }

  private final KubernetesClient client;

  PodConfig(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The container's env and envFrom, in order, with $(VAR) references to earlier variables
   * expanded.
   */
  Map<String, String> env(Pod pod, Container container) throws ConfigException {
    var ns = pod.getMetadata().getNamespace();
    var env = new LinkedHashMap<String, String>();
    for (var from : container.getEnvFrom()) {
      var prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, byte[]> data =
          from.getSecretRef() != null
              ? source(
                  Kind.SECRET, ns, from.getSecretRef().getName(), from.getSecretRef().getOptional())
              : source(
                  Kind.CONFIG_MAP,
                  ns,
                  from.getConfigMapRef().getName(),
                  from.getConfigMapRef().getOptional());
      data.forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
    }
    for (var var : container.getEnv()) {
      var from = var.getValueFrom();
      if (from == null) {
        env.put(var.getName(), Expansion.expand(var.getValue() == null ? "" : var.getValue(), env));
      } else if (from.getSecretKeyRef() != null) {
        var ref = from.getSecretKeyRef();
        putKey(env, var.getName(), Kind.SECRET, ns, ref.getName(), ref.getKey(), ref.getOptional());
      } else if (from.getConfigMapKeyRef() != null) {
        var ref = from.getConfigMapKeyRef();
        putKey(
            env,
            var.getName(),
            Kind.CONFIG_MAP,
            ns,
            ref.getName(),
            ref.getKey(),
            ref.getOptional());
      } else if (from.getFieldRef() != null) {
        env.put(var.getName(), field(pod, from.getFieldRef().getFieldPath()));
      } else {
        throw new ConfigException(
            "env "
                + var.getName()
                + ": only value, secretKeyRef, configMapKeyRef and"
                + " fieldRef are supported by the local node");
      }
    }
    return env;
  }

  /**
   * Writes the pod's volumes under {@code podDir}/volumes and returns each volume's host directory.
   * Written once per pod: later changes to a ConfigMap or Secret do not reach running pods.
   */
  Map<String, Path> volumes(Pod pod, Path podDir) throws ConfigException {
    var ns = pod.getMetadata().getNamespace();
    var dirs = new HashMap<String, Path>();
    for (var volume : pod.getSpec().getVolumes()) {
      var dir = podDir.resolve("volumes").resolve(volume.getName());
      try {
        if (volume.getConfigMap() != null) {
          var cm = volume.getConfigMap();
          writeFiles(
              dir,
              volume.getName(),
              source(Kind.CONFIG_MAP, ns, cm.getName(), cm.getOptional()),
              cm.getItems(),
              cm.getOptional());
        } else if (volume.getSecret() != null) {
          var secret = volume.getSecret();
          writeFiles(
              dir,
              volume.getName(),
              source(Kind.SECRET, ns, secret.getSecretName(), secret.getOptional()),
              secret.getItems(),
              secret.getOptional());
        } else if (volume.getEmptyDir() != null) {
          Files.createDirectories(dir);
        } else if (volume.getHostPath() != null) {
          dir = Path.of(volume.getHostPath().getPath());
        } else {
          throw new ConfigException(
              "volume \""
                  + volume.getName()
                  + "\": only configMap, secret, emptyDir and"
                  + " hostPath volumes are supported by the local node");
        }
      } catch (ConfigException e) {
        throw new ConfigException(
            "MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : " + e.getMessage());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      dirs.put(volume.getName(), dir);
    }
    return dirs;
  }

  private void putKey(
      Map<String, String> env,
      String var,
      Kind kind,
      String ns,
      String name,
      String key,
      Boolean optional)
      throws ConfigException {
    var value = source(kind, ns, name, optional).get(key);
    if (value != null) {
      env.put(var, new String(value, StandardCharsets.UTF_8));
    } else if (!Boolean.TRUE.equals(optional)) {
      throw new ConfigException(
          "couldn't find key " + key + " in " + kind.title + " " + ns + "/" + name);
    }
  }

  private static void writeFiles(
      Path dir, String volume, Map<String, byte[]> data, List<KeyToPath> items, Boolean optional)
      throws IOException, ConfigException {
    Files.createDirectories(dir);
    var files = new LinkedHashMap<String, byte[]>();
    if (items.isEmpty()) {
      files.putAll(data);
    } else {
      for (var item : items) {
        var value = data.get(item.getKey());
        if (value != null) {
          files.put(item.getPath(), value);
        } else if (!Boolean.TRUE.equals(optional)) {
          throw new ConfigException(
              "configmap references non-existent config key: " + item.getKey());
        }
      }
    }
    for (var file : files.entrySet()) {
      var path = dir.resolve(file.getKey()).normalize();
      if (!path.startsWith(dir)) {
        throw new ConfigException(
            "volume \"" + volume + "\": path " + file.getKey() + " leaves the volume");
      }
      Files.createDirectories(path.getParent());
      Files.write(path, file.getValue());
    }
  }

  /** The entries of a Secret or ConfigMap; none when it is missing and optional. */
  private Map<String, byte[]> source(Kind kind, String ns, String name, Boolean optional)
      throws ConfigException {
    Map<String, byte[]> data;
    try {
      data = kind == Kind.SECRET ? secret(ns, name) : configMap(ns, name);
    } catch (KubernetesClientException e) {
      throw new ConfigException(
          "cannot read " + kind.lower + " \"" + name + "\": " + e.getMessage());
    }
    if (data != null) {
      return data;
    }
    if (Boolean.TRUE.equals(optional)) {
      return Map.of();
    }
    throw new ConfigException(kind.lower + " \"" + name + "\" not found");
  }

  private Map<String, byte[]> secret(String ns, String name) {
    var secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      return null;
    }
    var data = new HashMap<String, byte[]>();
    orEmpty(secret.getData()).forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    return data;
  }

  private Map<String, byte[]> configMap(String ns, String name) {
    var cm = client.configMaps().inNamespace(ns).withName(name).get();
    if (cm == null) {
      return null;
    }
    var data = new HashMap<String, byte[]>();
    orEmpty(cm.getData()).forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    orEmpty(cm.getBinaryData()).forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    return data;
  }

  /** The model leaves some maps null when the object has none. */
  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  private static String field(Pod pod, String path) throws ConfigException {
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.nodeName" -> pod.getSpec().getNodeName();
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
      case "status.podIP", "status.hostIP" -> LocalNode.IP;
      default ->
          throw new ConfigException("fieldRef " + path + " is not supported by the local node");
    };
  }
}
