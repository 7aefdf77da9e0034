package dev.schemagate.testenv;

import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.kubelet.Images;
import dev.schemagate.testenv.kubelet.RealNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  private static ControlPlane withRealNode;
  private static RealNode realNode;
  private static KubernetesClient realNodeClient;

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

  /**
   * Whether the end-to-end tier runs its pods on the real node ({@link #realNode()}) rather than on
   * the local node: {@code -Dschemagate.node=real}.
   */
  public static boolean onRealNode() {
    return "real".equals(System.getProperty("schemagate.node"));
  }

  /**
   * A third control plane, with kubelets, and its real node, started on first use and shared: the
   * node runs the operator's and basketball-api's images built here, reaches the shared {@link
   * LocalPostgres}, and runs the operator as the pod of the chart, installed with helm.
   */
  public static synchronized ControlPlane realNodePlane() {
    realNode();
    return withRealNode;
  }

  /** An admin client of {@link #realNodePlane()}, shared as {@link #client()} is. */
  public static synchronized KubernetesClient realNodeClient() {
    realNode();
    if (realNodeClient == null) {
      realNodeClient = withRealNode.client();
    }
    return realNodeClient;
  }

  public static synchronized RealNode realNode() {
    if (realNode == null) {
      var plane = start("target/testenv-real-node", ControlPlane.Options.defaults().withKubelets());
      try {
        var operator = Images.operator();
        var images = new ArrayList<>(List.of(operator));
        for (var release : BasketballExample.Release.values()) {
          images.add(Images.basketballApi(release.image.substring(release.image.indexOf(':') + 1)));
        }
        var node =
            RealNode.start(
                plane,
                "real-node",
                plane.dir().resolve("real-node"),
                images,
                LocalPostgres.shared().exposed().stream().toList());
        // Before the plane's hook: the node's pods and cgroups go first.
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        System.out.printf(
            "real node: containerd start to Node Ready %d ms; helm install to operator Ready %d"
                + " ms%n",
            node.startToReady().toMillis(), OperatorChart.install(plane, operator).toMillis());
        withRealNode = plane;
        realNode = node;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return realNode;
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

  /**
   * A fresh namespace named after the test, on this control plane; with its {@code default}
   * ServiceAccount, without which a plane with kubelets admits no pod.
   */
  public static String newNamespace(ControlPlane on, String prefix) {
    var name =
        prefix.toLowerCase().replaceAll("[^a-z0-9-]", "-") + "-" + namespaces.incrementAndGet();
    name = name.length() > 63 ? name.substring(name.length() - 63) : name;
    try (var client = on.client()) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
      if (on == withRealNode) {
        var ns = name;
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
      }
    }
    return name;
  }
}
