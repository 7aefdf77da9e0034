package dev.schemagate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.schemagate.SchemaGateOperator;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.BasketballExample.Release;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.DumpOnFailure;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.kubelet.RealNode;
import dev.schemagate.testenv.node.ImageMap;
import dev.schemagate.testenv.node.LocalNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One namespace of the shared control plane with its own database, a node and, optionally, the
 * operator: the stage the basketball-api story plays on. Two stages tell the same story: the local
 * node (images are {@code images}, played by host processes; the operator a JVM of the test's) or,
 * with {@code -Dschemagate.node=real}, the real node ({@link Cluster#realNode()}: the images built
 * here, the operator the chart's pod, installed once for every story).
 */
final class Story implements AutoCloseable {
  static final String APP = "basketball-api";
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  final ControlPlane plane;
  final KubernetesClient client;
  final String namespace;

  /** The database, as the test reaches it. */
  final String url;

  /** The database, as pods reach it: in the example's Secret. */
  final String podUrl;

  /** The local node; null on the real node. */
  final LocalNode node;

  private Operator operator;

  Story(String name, Map<String, ImageMap.Image> images) throws Exception {
    var real = Cluster.onRealNode();
    if (real) {
      // Mount and network namespaces, cgroups and containerd: root, as CI has.
      assumeTrue(
          (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
          "a real node needs root");
      Cluster.realNode();
    }
    plane = real ? Cluster.realNodePlane() : Cluster.plane();
    client = real ? Cluster.realNodeClient() : Cluster.client();
    namespace = Cluster.newNamespace(plane, name);
    url = LocalPostgres.shared().createDatabase(name.replace('-', '_'));
    podUrl = real ? RealNode.inPods(url) : url;
    if (real) {
      node = null;
    } else {
      var builder =
          LocalNode.builder(client)
              .name("node-" + namespace)
              .namespaces(namespace)
              .dir(Binaries.testenvDir().resolve("target/e2e/" + namespace))
              .backOff(Duration.ofSeconds(1));
      images.forEach(builder::image);
      node = builder.start();
    }
    DumpOnFailure.watch(
        client, namespace, Binaries.testenvDir().resolve("target/e2e/" + namespace));
  }

  /** The operator: in this JVM for this namespace, or the chart's pod on the real node. */
  Story withOperator() {
    if (node != null) {
      // A client of its own: the operator closes it when it stops.
      operator =
          SchemaGateOperator.start(
              plane.client(),
              new SimpleMeterRegistry(),
              new SchemaGateOperator.Settings(Set.of(namespace), "schemagate:e2e", null));
    }
    return this;
  }

  /** The example at {@code release}, its Secret pointing at this story's database. */
  List<HasMetadata> apply(Release release, Consumer<HasMetadata> edit) {
    return BasketballExample.apply(client, namespace, podUrl, release, edit);
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.stop();
    }
    if (node != null) {
      node.close();
    }
  }

  SchemaMigration migration() {
    return client.resources(SchemaMigration.class).inNamespace(namespace).withName(APP).get();
  }

  Optional<Condition> condition(String type) {
    var m = migration();
    if (m == null || m.getStatus() == null) {
      return Optional.empty();
    }
    return m.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  Condition awaitTrue(String type, String reason) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                condition(type)
                    .filter(c -> "True".equals(c.getStatus()) && reason.equals(c.getReason()))
                    .isPresent());
    return condition(type).orElseThrow();
  }

  Deployment deployment() {
    return client.apps().deployments().inNamespace(namespace).withName(APP).get();
  }

  int readyReplicas() {
    var status = deployment().getStatus();
    return status == null ? 0 : Objects.requireNonNullElse(status.getReadyReplicas(), 0);
  }

  List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
  }

  /**
   * The Warning events of {@code reason}, once there is one: an event is written apart from the
   * status, and a pod's operator may write it a moment after the condition shows.
   */
  List<Event> awaitWarnings(String reason) {
    return await().atMost(TIMEOUT).until(() -> warnings(reason), w -> !w.isEmpty());
  }

  List<Event> warnings(String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason()))
        .toList();
  }

  /**
   * How many times the app's container was started: the local node counts them; the real node's
   * kubelet records each in a Started event, which outlives the pod.
   */
  long appStarts() {
    if (node != null) {
      return node.starts(namespace, BasketballExample.APP_CONTAINER);
    }
    return RealNode.starts(client, namespace, BasketballExample.APP_CONTAINER);
  }

  /** The app container's output in {@code pod}: its previous run's if it has restarted. */
  String appLog(String pod) throws IOException {
    if (node != null) {
      return Files.readString(node.log(namespace, pod, BasketballExample.APP_CONTAINER));
    }
    var container =
        client
            .pods()
            .inNamespace(namespace)
            .withName(pod)
            .inContainer(BasketballExample.APP_CONTAINER);
    var current = container.getLog();
    return current.isBlank() ? container.getLog(true) : current;
  }

  /** One column of a query, as strings. */
  List<String> query(String sql) throws SQLException {
    try (var db = LocalPostgres.connect(url);
        var rows = db.createStatement().executeQuery(sql)) {
      var values = new ArrayList<String>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  boolean tableExists(String table) throws SQLException {
    return !query("SELECT 1 FROM information_schema.tables WHERE table_name = '" + table + "'")
        .isEmpty();
  }
}
