package dev.schemagate.testenv;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real control plane per test JVM, with SchemaGate's CRD and admission policy installed. Tests
 * share it and isolate themselves by namespace. It stops when the JVM exits.
 */
public final class Cluster {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private static ControlPlane plane;
  private static KubernetesClient client;

  private Cluster() {}

  public static synchronized ControlPlane plane() {
    if (plane == null) {
      try {
        plane = ControlPlane.start(Path.of("target/testenv"));
        Runtime.getRuntime().addShutdownHook(new Thread(plane::close));
        client = plane.client();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return plane;
  }

  /** An admin client (system:masters). */
  public static KubernetesClient client() {
    plane();
    return client;
  }

  /** A fresh namespace named after the test. */
  public static String newNamespace(String prefix) {
    var name =
        prefix.toLowerCase().replaceAll("[^a-z0-9-]", "-") + "-" + namespaces.incrementAndGet();
    name = name.length() > 63 ? name.substring(name.length() - 63) : name;
    client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  public static Path repoRoot() {
    return Binaries.testenvDir().getParent();
  }
}
