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
  private static ControlPlane withoutMutatingAdmissionPolicy;

  private Cluster() {}

  public static synchronized ControlPlane plane() {
    if (plane == null) {
      plane = start("target/testenv", ControlPlane.Options.defaults());
      client = plane.client();
    }
    return plane;
  }

  /**
   * A control plane whose API server does not serve MutatingAdmissionPolicy: on a Kubernetes before
   * 1.36 (testenv/matrix's oldest), the shared one itself; on a newer one, a second control plane
   * with that API switched off, started on first use and shared like {@link #plane()}. Only for
   * tests of that difference: it costs a second etcd, apiserver, controller manager and scheduler.
   */
  public static synchronized ControlPlane withoutMutatingAdmissionPolicy() {
    if (!ControlPlane.servesMutatingAdmissionPolicy(client())) {
      return plane();
    }
    if (withoutMutatingAdmissionPolicy == null) {
      withoutMutatingAdmissionPolicy =
          start(
              "target/testenv-without-map", ControlPlane.Options.withoutMutatingAdmissionPolicy());
    }
    return withoutMutatingAdmissionPolicy;
  }

  private static ControlPlane start(String parent, ControlPlane.Options options) {
    try {
      var started = ControlPlane.start(Path.of(parent), options);
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An admin client (system:masters). */
  public static KubernetesClient client() {
    plane();
    return client;
  }

  /** A fresh namespace named after the test. */
  public static String newNamespace(String prefix) {
    return newNamespace(plane(), prefix);
  }

  /** A fresh namespace named after the test, on this control plane. */
  public static String newNamespace(ControlPlane on, String prefix) {
    var name =
        prefix.toLowerCase().replaceAll("[^a-z0-9-]", "-") + "-" + namespaces.incrementAndGet();
    name = name.length() > 63 ? name.substring(name.length() - 63) : name;
    on.client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }
}
