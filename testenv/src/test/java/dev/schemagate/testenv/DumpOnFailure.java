package dev.schemagate.testenv;

import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints what on-call would look at in each namespace it used: the
 * SchemaMigrations' status, the Events, the Deployments, Jobs and pods, and the tail of every pod
 * log the local node wrote. A red CI run then explains itself. Registered for every test by
 * ServiceLoader (junit-platform.properties turns auto-detection on); tests say which namespaces are
 * theirs through {@link #watch}.
 */
public final class DumpOnFailure implements TestWatcher {
  private static final int LOG_LINES = 30;
  private static final Map<String, Watched> watched = new ConcurrentHashMap<>();

  private record Watched(KubernetesClient client, Path logs) {}

  /** Dump this namespace if the running test fails; {@code logs}, if not null, holds pod logs. */
  public static void watch(KubernetesClient client, String namespace, Path logs) {
    watched.put(namespace, new Watched(client, logs));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    watched.forEach(
        (namespace, w) -> {
          try {
            System.out.println(dump(w.client(), namespace, w.logs()));
          } catch (RuntimeException e) {
            System.out.println("[dump] " + namespace + ": could not dump: " + e);
          }
        });
    watched.clear();
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    watched.clear();
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    watched.clear();
  }

  static String dump(KubernetesClient client, String namespace, Path logs) {
    var out = new StringBuilder("[dump] namespace " + namespace + "\n");
    var yaml = client.getKubernetesSerialization();
    for (var m : client.resources(SchemaMigration.class).inNamespace(namespace).list().getItems()) {
      out.append("--- SchemaMigration ")
          .append(m.getMetadata().getName())
          .append(" status:\n")
          .append(yaml.asYaml(m.getStatus()));
    }
    out.append("--- Events\n");
    client.v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
        .forEach(
            e ->
                out.append(
                    "%s %s %s/%s %s: %s%n"
                        .formatted(
                            e.getLastTimestamp(),
                            e.getType(),
                            e.getInvolvedObject().getKind(),
                            e.getInvolvedObject().getName(),
                            e.getReason(),
                            e.getMessage())));
    summarize(
        out, "Deployments", client.apps().deployments().inNamespace(namespace).list().getItems());
    summarize(
        out, "ReplicaSets", client.apps().replicaSets().inNamespace(namespace).list().getItems());
    summarize(out, "Jobs", client.batch().v1().jobs().inNamespace(namespace).list().getItems());
    for (var pod : client.pods().inNamespace(namespace).list().getItems()) {
      out.append("--- Pod ")
          .append(pod.getMetadata().getName())
          .append(" labels=")
          .append(pod.getMetadata().getLabels())
          .append(" gates=")
          .append(pod.getSpec().getSchedulingGates())
          .append(" node=")
          .append(pod.getSpec().getNodeName())
          .append("\n")
          .append(yaml.asYaml(pod.getStatus()));
    }
    if (logs != null && Files.isDirectory(logs)) {
      try (Stream<Path> files = Files.walk(logs)) {
        for (var log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
          var lines = Files.readAllLines(log);
          out.append("--- log ")
              .append(logs.relativize(log))
              .append(" (last ")
              .append(Math.min(LOG_LINES, lines.size()))
              .append(" lines)\n");
          lines
              .subList(Math.max(0, lines.size() - LOG_LINES), lines.size())
              .forEach(l -> out.append(l).append('\n'));
        }
      } catch (IOException e) {
        out.append("--- logs: ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  private static void summarize(StringBuilder out, String kind, List<? extends HasMetadata> items) {
    out.append("--- ").append(kind).append('\n');
    items.forEach(
        i ->
            out.append(i.getMetadata().getName())
                .append(" generation=")
                .append(i.getMetadata().getGeneration())
                .append(" annotations=")
                .append(i.getMetadata().getAnnotations())
                .append('\n'));
  }
}
