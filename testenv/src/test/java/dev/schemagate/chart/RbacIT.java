package dev.schemagate.chart;

import static dev.schemagate.chart.Cli.CHART;
import static dev.schemagate.chart.Cli.helm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Strategy;
import dev.schemagate.gate.PodGate;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.Kubectl;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.PodTermination;
import dev.schemagate.testenv.bench.RequestLog;
import dev.schemagate.testenv.chaos.RbacGrants;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart grants exactly what the operator uses: the operator jar runs as the chart's
 * ServiceAccount with the chart's Roles, through every path that calls the API server (Job create,
 * stray eviction, release, StopOldPods scale, Events, finalizer removal on delete, leader election;
 * the nudge on a control plane without MutatingAdmissionPolicy), and the verbs in its request log
 * are compared with `kubectl auth can-i --list` for that ServiceAccount, both ways.
 */
class RbacIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final String SA = "sg";

  @Test
  void everyGrantedVerbIsUsedAndEveryUsedVerbIsGranted() throws Exception {
    var used = new TreeSet<String>();
    var granted = new TreeSet<String>();
    var baseline = new TreeSet<String>();
    run(Cluster.plane(), "rbac", true, used, granted, baseline);
    run(Cluster.withoutMutatingAdmissionPolicy(), "rbac-vap", false, used, granted, baseline);

    used.removeAll(baseline);
    granted.removeAll(baseline);
    var comparison = RbacGrants.compare(granted, used);
    assertThat(comparison.unused()).as("granted by the chart, never used; used: " + used).isEmpty();
    assertThat(comparison.missing()).as("used, not granted; granted: " + granted).isEmpty();
  }

  /**
   * Installs the chart's ServiceAccount and RBAC (watchNamespaces: the app's namespace), runs the
   * operator as it, drives it through the paths this plane has, and adds what it used and what it
   * was granted (and what a ServiceAccount without bindings is granted).
   */
  private static void run(
      ControlPlane plane,
      String prefix,
      boolean mutating,
      Set<String> used,
      Set<String> granted,
      Set<String> baseline)
      throws Exception {
    var client = plane.client();
    var release = namespace(client, prefix);
    var app = namespace(client, prefix + "-app");
    var rbac =
        helm(
                "template",
                SA,
                CHART.toString(),
                "--namespace=" + release,
                "--set",
                "watchNamespaces={" + app + "}",
                "--show-only=templates/serviceaccount.yaml",
                "--show-only=templates/rbac.yaml",
                "--show-only=templates/leader-election-rbac.yaml")
            .ok();
    for (var o : Cli.objects(rbac)) {
      client.resource(o).create();
    }
    var user = "system:serviceaccount:" + release + ":" + SA + "-schemagate";
    var kubeconfig =
        Files.writeString(
            Path.of("target/cli-home").toAbsolutePath().resolve(release + ".kubeconfig"),
            Files.readString(plane.kubeconfig())
                .replaceFirst("(?m)^(\\s+)token: (\\S+)$", "$1token: $2\n$1as: " + user));
    var log = Path.of("target/cli-home").toAbsolutePath().resolve(release + "-operator.log");
    try (var operator =
        OperatorProcess.start(
            kubeconfig,
            List.of(RequestLog.JVM_OPTION),
            List.of("--namespaces=" + app, "--runner-image=schemagate:test", "--leader-election"),
            Map.of("POD_NAMESPACE", release),
            log)) {
      operator.awaitReady(TIMEOUT);
      if (mutating) {
        holdReleaseEvictDelete(client, app);
        stopOldPods(client, app);
      } else {
        nudge(client, app);
      }
      assertThat(operator.terminate(Duration.ofSeconds(15))).as("exit on SIGTERM").isPresent();
    }
    var lines = Files.readAllLines(log);
    assertThat(lines).noneMatch(l -> l.contains("Forbidden") || l.contains("forbidden"));
    used.addAll(RbacGrants.used(RequestLog.requests(lines)));
    for (var ns : List.of(release, app)) {
      granted.addAll(canIList(plane, user, ns));
      baseline.addAll(canIList(plane, "system:serviceaccount:" + release + ":nobody", ns));
    }
  }

  /**
   * The app's pods exist before its SchemaMigration (strays: evicted), their replacements are held,
   * released when the Job's pod succeeds; then a new image is held and the SchemaMigration deleted
   * (its cleanup releases the held pods, and the finalizer goes).
   */
  private static void holdReleaseEvictDelete(KubernetesClient client, String ns) {
    client.resource(AppDeployment.of(ns, "app", 2, container("app:1"))).create();
    await().atMost(TIMEOUT).until(() -> pods(client, ns, "app").size() == 2);
    client.resource(configMap(ns, "app")).create();
    client.resource(migration(ns, "app", Strategy.HoldNewPods)).create();

    succeedJobPod(client, ns, "app");
    await().atMost(TIMEOUT).until(() -> ready(client, ns, "app"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                pods(client, ns, "app").stream()
                    .allMatch(p -> p.getSpec().getSchedulingGates().isEmpty()));

    setImage(client, ns, "app", "app:2");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                pods(client, ns, "app").stream()
                    .anyMatch(p -> p.getMetadata().getLabels().containsKey(PodGate.HELD_BY)));
    client.resources(SchemaMigration.class).inNamespace(ns).withName("app").delete();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.resources(SchemaMigration.class).inNamespace(ns).withName("app").get()
                    == null);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                pods(client, ns, "app").stream()
                    .noneMatch(p -> p.getMetadata().getLabels().containsKey(PodGate.HELD_BY)));
  }

  /** Scaled to 0 while its Job runs, and back afterwards. */
  private static void stopOldPods(KubernetesClient client, String ns) {
    client.resource(AppDeployment.of(ns, "stop", 1, container("stop:1"))).create();
    client.resource(configMap(ns, "stop")).create();
    client.resource(migration(ns, "stop", Strategy.StopOldPods)).create();
    succeedJobPod(client, ns, "stop");
    await().atMost(TIMEOUT).until(() -> ready(client, ns, "stop"));
    setImage(client, ns, "stop", "stop:2");
    awaitReplicas(client, ns, "stop", 0);
    succeedJobPod(client, ns, "stop");
    awaitReplicas(client, ns, "stop", 1);
  }

  private static void awaitReplicas(KubernetesClient client, String ns, String name, int replicas) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName(name)
                        .get()
                        .getSpec()
                        .getReplicas()
                    == replicas);
  }

  /** Without the mutating policy the new image's pods are refused; the release nudges their RS. */
  private static void nudge(KubernetesClient client, String ns) {
    client.resource(configMap(ns, "app")).create();
    client.resource(migration(ns, "app", Strategy.HoldNewPods)).create();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                        .resources(SchemaMigration.class)
                        .inNamespace(ns)
                        .withName("app")
                        .get()
                        .getStatus()
                    != null);
    client.resource(AppDeployment.of(ns, "app", 1, container("app:1"))).create();
    succeedJobPod(client, ns, "app");
    await().atMost(TIMEOUT).until(() -> ready(client, ns, "app"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                    .anyMatch(
                        rs ->
                            rs.getMetadata().getAnnotations() != null
                                && rs.getMetadata()
                                    .getAnnotations()
                                    .containsKey("schemagate.dev/released")));
  }

  /** A JSON patch: no conflict with the Deployment controller's writes. */
  private static void setImage(KubernetesClient client, String ns, String name, String image) {
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"%s\"}]"
                .formatted(image));
  }

  private static void succeedJobPod(KubernetesClient client, String ns, String migration) {
    var pod =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    client
                        .pods()
                        .inNamespace(ns)
                        .withLabel("app.kubernetes.io/instance", migration)
                        .withLabel("app.kubernetes.io/component", "migration")
                        .list()
                        .getItems()
                        .stream()
                        .filter(p -> !"Succeeded".equals(p.getStatus().getPhase()))
                        .toList(),
                pods -> !pods.isEmpty())
            .get(0);
    PodTermination.write(client, pod, 0, null);
  }

  private static Set<String> canIList(ControlPlane plane, String user, String ns) {
    return RbacGrants.granted(
        Kubectl.run(plane.kubeconfig(), null, "auth", "can-i", "--list", "--as=" + user, "-n", ns));
  }

  private static String namespace(KubernetesClient client, String prefix) {
    var name = prefix + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static Container container(String image) {
    return new ContainerBuilder().withName("app").withImage(image).build();
  }

  private static ConfigMap configMap(String ns, String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name + "-migrations")
        .withNamespace(ns)
        .endMetadata()
        .withData(Map.of("V1__init.sql", "create table t(id int);"))
        .build();
  }

  private static SchemaMigration migration(String ns, String name, Strategy strategy) {
    var migration = BasketballExample.flywayMigration(ns, name, name + "-migrations", name + "-db");
    migration.getSpec().setStrategy(strategy);
    return migration;
  }

  private static List<Pod> pods(KubernetesClient client, String ns, String app) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel(AppDeployment.NAME_LABEL, app)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static boolean ready(KubernetesClient client, String ns, String name) {
    var m = client.resources(SchemaMigration.class).inNamespace(ns).withName(name).get();
    return m != null
        && m.getStatus() != null
        && m.getStatus().getConditions() != null
        && m.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
