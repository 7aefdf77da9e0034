package dev.schemagate.testenv.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.DumpOnFailure;
import dev.schemagate.testenv.LocalPostgres;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A real kubelet, containerd and runc registered with the test control plane: pods from images
 * built here run as containers, and what the local node only plays (the logs API, service account
 * tokens, a missing Secret, termination messages) is the kubelet's own.
 */
class RealNodeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger namespaces = new AtomicInteger();

  private static ControlPlane plane;
  private static KubernetesClient client;
  private static RealNode node;
  private static OciImage busybox;
  private static OciImage kubectl;
  private static LocalPostgres postgres;

  private String ns;

  @BeforeAll
  static void startNode() throws Exception {
    // Mount namespaces, cgroups and containerd need root, as CI has (testenv/prerequisites.sh).
    assumeTrue(
        (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
        "a real node needs root");
    plane =
        ControlPlane.start(
            Path.of("target/testenv-real-node"), ControlPlane.Options.defaults().withKubelets());
    client = plane.client();
    busybox = Images.busybox();
    kubectl = Images.kubectl();
    postgres = LocalPostgres.shared();
    node =
        RealNode.start(
            plane,
            "real-node",
            plane.dir().resolve("real-node"),
            List.of(busybox, kubectl),
            postgres.exposed().stream().toList());
    System.out.printf(
        "real node: containerd start to Node Ready %d ms%n", node.startToReady().toMillis());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
    if (client != null) {
      client.close();
    }
    if (plane != null) {
      plane.close();
    }
  }

  @BeforeEach
  void namespace(TestInfo test) {
    ns =
        "real-"
            + test.getTestMethod()
                .orElseThrow()
                .getName()
                .toLowerCase()
                .replaceAll("[^a-z0-9]", "-");
    ns = ns.substring(0, Math.min(ns.length(), 50)) + "-" + namespaces.incrementAndGet();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    DumpOnFailure.watch(client, ns, null);
    // The ServiceAccount admission plugin refuses pods until the namespace's "default" exists.
    await()
        .atMost(WAIT)
        .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
  }

  @Test
  void theNodeRegistersWithItsCertificateAndIsReadyAndUntainted() {
    var registered = client.nodes().withName(node.name()).get();
    assertThat(RealNode.ready(registered)).isTrue();
    assertThat(registered.getStatus().getAddresses())
        .singleElement()
        .satisfies(a -> assertThat(a.getAddress()).isEqualTo("127.0.0.1"));
    assertThat(registered.getStatus().getNodeInfo().getContainerRuntimeVersion())
        .startsWith("containerd://1.");
    assertThat(registered.getStatus().getNodeInfo().getKubeletVersion()).startsWith("v1.");
    // The node lifecycle controller removes the not-ready taint once the Node is Ready.
    await()
        .atMost(WAIT)
        .until(() -> client.nodes().withName(node.name()).get().getSpec().getTaints().isEmpty());
    // Its heartbeat, renewed every 10 s.
    var lease =
        await()
            .atMost(WAIT)
            .until(
                () -> client.leases().inNamespace("kube-node-lease").withName(node.name()).get(),
                Objects::nonNull);
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(node.name());
  }

  @Test
  void aPodRunsAndItsLogIsReadThroughTheApiServer() {
    var applied = Instant.now();
    create(
        pod("hello", "Always", "echo hello from a container; echo on stderr >&2; exec sleep 3600"));
    var running = awaitPod("hello", p -> "Running".equals(p.getStatus().getPhase()));
    System.out.printf(
        "real node: pod applied to Running %d ms%n",
        Duration.between(applied, Instant.now()).toMillis());

    assertThat(running.getSpec().getNodeName()).isEqualTo(node.name());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(client.pods().inNamespace(ns).withName("hello").getLog())
                    .contains("hello from a container", "on stderr"));
  }

  @Test
  void aPodOnThePodNetworkReachesTheApiServerWithItsTokenAndPostgres() {
    var port = postgres.exposed().orElseThrow().port();
    var pod =
        pod(
            "networked",
            "Never",
            // Through the kubernetes Service, as in-cluster clients find the API server, its
            // certificate checked: who the pod's token says it is. Then PostgreSQL's answer to an
            // SSLRequest: "N".
            """
            kubectl auth whoami -o jsonpath='{.status.userInfo.username}'
            echo
            printf '\\000\\000\\000\\010\\004\\322\\026\\057' | nc -w 5 %s %d
            echo
            """
                .formatted(RealNode.GATEWAY, port));
    pod.getSpec().setHostNetwork(false);
    pod.getSpec().getContainers().get(0).setImage(kubectl.name());
    var applied = Instant.now();
    create(pod);
    var running = awaitPod("networked", p -> p.getStatus().getPodIP() != null && started(p));
    System.out.printf(
        "real node: pod on the pod network applied to started %d ms%n",
        Duration.between(applied, Instant.now()).toMillis());
    assertThat(running.getStatus().getPodIP()).startsWith("10.88.");
    var done =
        awaitPod(
            "networked", p -> List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()));

    var log = client.pods().inNamespace(ns).withName("networked").getLog();
    assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
    assertThat(log).startsWith("system:serviceaccount:" + ns + ":default\n");
    assertThat(log.lines().filter(l -> !l.isBlank()).toList()).last().isEqualTo("N");
    // The pods' bridge is the node's, not the machine's.
    assertThat(Path.of("/sys/class/net/cni0")).doesNotExist();
  }

  private static boolean started(Pod pod) {
    var c = container(pod);
    return c != null && (c.getState().getRunning() != null || c.getState().getTerminated() != null);
  }

  @Test
  void aMissingSecretIsACreateContainerConfigError() {
    var pod = pod("needs-secret", "Always", "exec sleep 3600");
    pod.getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            List.of(
                new EnvVarBuilder()
                    .withName("PASSWORD")
                    .withNewValueFrom()
                    .withNewSecretKeyRef("password", "absent", false)
                    .endValueFrom()
                    .build()));
    create(pod);

    var waiting =
        awaitPod(
            "needs-secret",
            p ->
                container(p) != null
                    && container(p).getState().getWaiting() != null
                    && "CreateContainerConfigError"
                        .equals(container(p).getState().getWaiting().getReason()));
    assertThat(container(waiting).getState().getWaiting().getMessage())
        .contains("secret \"absent\" not found");
  }

  @Test
  void aPodGetsItsServiceAccountTokenAndTheClusterCa() throws Exception {
    create(
        pod(
            "token",
            "Never",
            "cd /var/run/secrets/kubernetes.io/serviceaccount && cat namespace && echo"
                + " && wc -c < token && cat ca.crt"));
    var done = awaitPod("token", p -> "Succeeded".equals(p.getStatus().getPhase()));

    assertThat(done.getSpec().getVolumes())
        .map(Volume::getName)
        .anyMatch(name -> name.startsWith("kube-api-access-"));
    var log = client.pods().inNamespace(ns).withName("token").getLog();
    assertThat(log).startsWith(ns + "\n");
    assertThat(Integer.parseInt(log.lines().skip(1).findFirst().orElseThrow().strip()))
        .isGreaterThan(100);
    assertThat(log).contains(Files.readString(plane.authority().certificate()).strip());
  }

  @Test
  void aTerminationMessageShowsInTheStatus() {
    create(
        pod(
            "fails",
            "Never",
            "echo 'V8__teams.sql: type \"division\" already exists' > /dev/termination-log; exit"
                + " 3"));
    var failed = awaitPod("fails", p -> "Failed".equals(p.getStatus().getPhase()));

    var terminated = container(failed).getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(3);
    assertThat(terminated.getReason()).isEqualTo("Error");
    assertThat(terminated.getMessage())
        .isEqualTo("V8__teams.sql: type \"division\" already exists\n");
  }

  @Test
  void aNodeWhoseKubeletStopsGoesNotReadyAndReadyAgainWhenItReturns() throws Exception {
    node.stopKubelet();
    try {
      var stopped = Instant.now();
      // The node lifecycle controller sets Ready=Unknown, then taints the Node in a later pass.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  "Unknown".equals(readyStatus())
                      && client.nodes().withName(node.name()).get().getSpec().getTaints().stream()
                          .anyMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable")));
      System.out.printf(
          "real node: kubelet stopped to Ready=Unknown and tainted %d ms%n",
          Duration.between(stopped, Instant.now()).toMillis());
    } finally {
      // Whatever happened above, the other tests need the node back.
      node.startKubelet();
    }
    assertThat(readyStatus()).isEqualTo("True");
    await()
        .atMost(WAIT)
        .until(() -> client.nodes().withName(node.name()).get().getSpec().getTaints().isEmpty());
  }

  private String readyStatus() {
    return client.nodes().withName(node.name()).get().getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow()
        .getStatus();
  }

  private Pod pod(String name, String restartPolicy, String script) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withHostNetwork(true)
        .withRestartPolicy(restartPolicy)
        .withTerminationGracePeriodSeconds(1L)
        .withContainers(
            new ContainerBuilder()
                .withName("c")
                .withImage(busybox.name())
                .withImagePullPolicy("Never")
                .withCommand("sh", "-c", script)
                .build())
        .endSpec()
        .build();
  }

  private void create(Pod pod) {
    client.pods().inNamespace(ns).resource(pod).create();
  }

  private Pod awaitPod(String name, Predicate<Pod> condition) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> client.pods().inNamespace(ns).withName(name).get(),
            p -> p != null && condition.test(p));
  }

  private static ContainerStatus container(Pod pod) {
    var statuses = pod.getStatus().getContainerStatuses();
    return statuses == null || statuses.isEmpty() ? null : statuses.get(0);
  }
}
