package dev.schemagate.testenv.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.Cluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The local node against the real control plane: pods are bound by kube-scheduler, run as
 * processes, and reported.
 */
class LocalNodeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final KubernetesClient client = Cluster.client();
  private String ns;
  private LocalNode node;

  @BeforeEach
  void startNode(TestInfo test) {
    ns = Cluster.newNamespace("node-" + test.getTestMethod().orElseThrow().getName());
    node =
        LocalNode.builder(client)
            .name("node-" + ns)
            .namespaces(ns)
            .dir(Cluster.plane().dir().resolve("nodes").resolve(ns))
            .backOff(Duration.ofMillis(500))
            // "shell" runs its args as a sh script; "runner" also gets the termination log path as
            // $1,
            // the way images.yaml hands it to the schemagate runner.
            .image("shell", ImageMap.Image.entrypoint("sh", "-c"))
            .image(
                "runner",
                new ImageMap.Image(
                    List.of("sh", "-c"), null, List.of("runner", "{terminationLog}"), null, null))
            .start();
  }

  @AfterEach
  void stopNode() {
    node.close();
  }

  @Test
  void succeededPodKeepsItsOutputInTheLog() throws IOException {
    create(
        pod(
            "hello",
            "Never",
            shell("c", "echo hello from $(POD_NAME); echo on stderr >&2")
                .addNewEnv()
                .withName("POD_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .build()));

    var pod = awaitPod("hello", p -> "Succeeded".equals(p.getStatus().getPhase()));

    var c = container(pod, "c");
    assertThat(c.getState().getTerminated().getExitCode()).isZero();
    assertThat(c.getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(c.getRestartCount()).isZero();
    assertThat(pod.getSpec().getNodeName()).isEqualTo(node.name());
    assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
    assertThat(pod.getStatus().getStartTime()).isNotNull();
    assertThat(condition(pod, "PodScheduled")).isEqualTo("True");
    assertThat(condition(pod, "Ready")).isEqualTo("False");
    assertThat(Files.readString(node.log(ns, "hello", "c")))
        .contains("hello from hello", "on stderr");
    assertThat(node.starts(ns, "c")).isEqualTo(1);
  }

  @Test
  void failedPodReportsItsTerminationLog() {
    create(
        pod(
            "fails",
            "Never",
            new ContainerBuilder()
                .withName("migrate")
                .withImage("runner:1.0")
                .withArgs("echo 'V8__teams.sql: type \"division\" already exists' > \"$1\"; exit 3")
                .build()));

    var pod = awaitPod("fails", p -> "Failed".equals(p.getStatus().getPhase()));

    var terminated = container(pod, "migrate").getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(3);
    assertThat(terminated.getReason()).isEqualTo("Error");
    assertThat(terminated.getMessage())
        .isEqualTo("V8__teams.sql: type \"division\" already exists\n");
    assertThat(terminated.getStartedAt()).isNotNull();
    assertThat(terminated.getFinishedAt()).isNotNull();
  }

  @Test
  void fallbackToLogsOnErrorReportsTheLogTail() {
    create(
        pod(
            "tail",
            "Never",
            shell("c", "for i in $(seq 1 100); do echo line $i; done; exit 2")
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .build()));

    var pod = awaitPod("tail", p -> "Failed".equals(p.getStatus().getPhase()));

    var lines = container(pod, "c").getState().getTerminated().getMessage().lines().toList();
    assertThat(lines).hasSize(80);
    assertThat(lines.get(0)).isEqualTo("line 21");
    assertThat(lines.get(79)).isEqualTo("line 100");
  }

  @Test
  void crashingContainerBacksOff() {
    create(pod("crash", "Always", shell("c", "echo crash; exit 1").build()));

    var pod =
        awaitPod(
            "crash",
            p ->
                container(p, "c").getRestartCount() >= 2
                    && container(p, "c").getState().getWaiting() != null);

    var c = container(pod, "c");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(c.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(c.getState().getWaiting().getMessage())
        .matches(
            "back-off \\d+(ms|s|\\.\\d+s) restarting failed container=c pod=crash_"
                + ns
                + "\\(.+\\)");
    assertThat(c.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(node.starts(ns, "c")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void onFailureRestartsUntilTheContainerSucceeds() {
    // The working directory (the pod's) outlives a run, so the second run finds the marker.
    create(
        pod(
            "retry",
            "OnFailure",
            shell("c", "if [ -f marker ]; then echo second run; else touch marker; exit 1; fi")
                .build()));

    var pod = awaitPod("retry", p -> "Succeeded".equals(p.getStatus().getPhase()));

    var c = container(pod, "c");
    assertThat(c.getRestartCount()).isEqualTo(1);
    assertThat(c.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(c.getState().getTerminated().getExitCode()).isZero();
  }

  @Test
  void deletionKillsAProcessThatIgnoresSigterm() throws IOException {
    // $$$$: Kubernetes turns $$ into $, and sh prints its pid for $$.
    var spec =
        spec(
            "Always", shell("c", "echo pid $$$$; trap '' TERM; while :; do sleep 1; done").build());
    spec.setTerminationGracePeriodSeconds(1L);
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("stubborn")
                .endMetadata()
                .withSpec(spec)
                .build())
        .create();
    awaitPod("stubborn", p -> "True".equals(condition(p, "Ready")));
    var log = node.log(ns, "stubborn", "c");
    await().atMost(WAIT).until(() -> Files.readString(log).startsWith("pid "));
    long pid = Long.parseLong(Files.readString(log).lines().findFirst().orElseThrow().substring(4));
    long deleted = System.nanoTime();

    client.pods().inNamespace(ns).withName("stubborn").delete();

    await()
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(ns).withName("stubborn").get() == null);
    assertThat(Duration.ofNanos(System.nanoTime() - deleted))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void jobControllerSeesItsPodSucceed() {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName("migrate")
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withPodReplacementPolicy("Failed")
                .withNewTemplate()
                .withSpec(spec("Never", shell("migrate", "echo migrated").build()))
                .endTemplate()
                .endSpec()
                .build())
        .create();

    await()
        .atMost(WAIT)
        .until(
            () -> client.batch().v1().jobs().inNamespace(ns).withName("migrate").get().getStatus(),
            s ->
                s != null
                    && s.getConditions().stream()
                        .anyMatch(
                            c -> c.getType().equals("Complete") && c.getStatus().equals("True")));
    assertThat(node.starts(ns, "migrate")).isEqualTo(1);
  }

  @Test
  void deploymentBecomesReadyAndScalesToZero() throws Exception {
    var server =
        shell("web", "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1")
            .addNewPort()
            .withName("http")
            .withContainerPort(8080)
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/")
            .withNewPort("http")
            .endHttpGet()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .build();
    var labels = Map.of("app", "web");
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withSpec(spec("Always", server))
                .endTemplate()
                .endSpec()
                .build())
        .create();

    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace(ns)
                    .withName("web")
                    .get()
                    .getStatus()
                    .getReadyReplicas(),
            ready -> ready != null && ready == 2);
    var pods = client.pods().inNamespace(ns).list().getItems();
    assertThat(pods).hasSize(2);
    var ports = pods.stream().map(p -> node.hostPort(ns, p.getMetadata().getName(), 8080)).toList();
    assertThat(ports).doesNotHaveDuplicates();
    var http = HttpClient.newHttpClient();
    for (int port : ports) {
      var response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).isEqualTo(200);
    }

    client.apps().deployments().inNamespace(ns).withName("web").scale(0);

    await()
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(ns).list().getItems(), List::isEmpty);
    for (int port : ports) {
      assertThat(listening(port)).as("port %d after scale to 0", port).isFalse();
    }
    assertThat(node.starts(ns, "web")).isEqualTo(2);
  }

  @Test
  void secretEnvWaitsForTheSecret() throws IOException {
    create(
        pod(
            "env",
            "Never",
            shell("c", "echo \"url=$DATABASE_URL\"")
                .addNewEnv()
                .withName("DATABASE_URL")
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName("db")
                .withKey("url")
                .endSecretKeyRef()
                .endValueFrom()
                .endEnv()
                .build()));

    var waiting =
        awaitPod(
            "env",
            p ->
                container(p, "c").getState().getWaiting() != null
                    && "CreateContainerConfigError"
                        .equals(container(p, "c").getState().getWaiting().getReason()));
    assertThat(container(waiting, "c").getState().getWaiting().getMessage())
        .isEqualTo("secret \"db\" not found");
    assertThat(node.starts(ns, "c")).isZero();

    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db")
                .endMetadata()
                .withStringData(Map.of("url", "postgresql://app:s3cret@127.0.0.1/app"))
                .build())
        .create();

    awaitPod("env", p -> "Succeeded".equals(p.getStatus().getPhase()));
    assertThat(Files.readString(node.log(ns, "env", "c")))
        .contains("url=postgresql://app:s3cret@127.0.0.1/app");
  }

  @Test
  void unknownImageBacksOffPulling() {
    create(
        pod(
            "unknown",
            "Always",
            new ContainerBuilder()
                .withName("c")
                .withImage("registry.example.com/nope:1.0")
                .build()));

    var pod =
        awaitPod(
            "unknown",
            p ->
                container(p, "c").getState().getWaiting() != null
                    && "ImagePullBackOff"
                        .equals(container(p, "c").getState().getWaiting().getReason()));

    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(container(pod, "c").getState().getWaiting().getMessage())
        .contains("registry.example.com/nope:1.0", "SCHEMAGATE_IMAGES");
    assertThat(node.starts(ns, "c")).isZero();
  }

  @Test
  void registersAReadyNodeWithALease() {
    var registered = client.nodes().withName(node.name()).get();

    assertThat(registered.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    assertThat(registered.getStatus().getNodeInfo().getKubeletVersion())
        .isEqualTo(client.getKubernetesVersion().getGitVersion());
    assertThat(registered.getStatus().getAllocatable()).containsKeys("cpu", "memory", "pods");
    assertThat(registered.getStatus().getAllocatable().get("pods").getAmount()).isEqualTo("500");
    assertThat(registered.getSpec().getTaints()).isEmpty();
    assertThat(registered.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    assertThat(registered.getMetadata().getLabels())
        .containsEntry("kubernetes.io/hostname", node.name())
        .containsEntry("kubernetes.io/os", "linux")
        .containsKey("kubernetes.io/arch");
    var lease = client.leases().inNamespace("kube-node-lease").withName(node.name()).get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(node.name());
    assertThat(lease.getSpec().getRenewTime()).isNotNull();
  }

  @Test
  void stoppedNodeIsTaintedAndGetsNoMorePods() {
    var other =
        LocalNode.builder(client)
            .name("stopped-" + ns)
            .namespaces(ns)
            .dir(Cluster.plane().dir().resolve("nodes").resolve("stopped-" + ns))
            .start();
    other.close();

    var stopped = client.nodes().withName(other.name()).get();
    assertThat(stopped.getSpec().getTaints())
        .anySatisfy(
            t -> {
              assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
    assertThat(stopped.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("Unknown"));

    create(pod("after", "Never", shell("c", "echo ran").build()));

    var pod = awaitPod("after", p -> "Succeeded".equals(p.getStatus().getPhase()));
    assertThat(pod.getSpec().getNodeName()).isEqualTo(node.name());
  }

  @Test
  void gatedPodStaysUnboundUntilItsGateIsRemoved() {
    var gate = "schemagate.dev/migrated";
    var gated = pod("gated", "Always", shell("c", "exec sleep 300").build());
    gated.getSpec().getSchedulingGates().add(new PodSchedulingGate(gate));
    create(gated);

    await()
        .atMost(WAIT)
        .until(
            () -> client.pods().inNamespace(ns).withName("gated").get(),
            p -> "SchedulingGated".equals(conditionReason(p, "PodScheduled")));
    // Long enough for the scheduler and the node to have acted on an ungated pod many times over.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(WAIT)
        .until(
            () -> client.pods().inNamespace(ns).withName("gated").get(),
            p ->
                p.getSpec().getNodeName() == null
                    && "Pending".equals(p.getStatus().getPhase())
                    && "False".equals(condition(p, "PodScheduled"))
                    && "SchedulingGated".equals(conditionReason(p, "PodScheduled")));
    assertThat(node.starts(ns, "c")).isZero();

    client
        .pods()
        .inNamespace(ns)
        .withName("gated")
        .patch(
            PatchContext.of(PatchType.STRATEGIC_MERGE),
            "{\"spec\":{\"schedulingGates\":[{\"$patch\":\"delete\",\"name\":\"" + gate + "\"}]}}");

    var pod = awaitPod("gated", p -> "True".equals(condition(p, "Ready")));
    assertThat(pod.getSpec().getSchedulingGates()).isEmpty();
    assertThat(pod.getSpec().getNodeName()).isEqualTo(node.name());
    assertThat(condition(pod, "PodScheduled")).isEqualTo("True");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(node.starts(ns, "c")).isEqualTo(1);
  }

  @Test
  void configMapVolumeEnvAndExecProbeSeeHostPaths() {
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .withData(Map.of("greeting", "hello", "unused", "x"))
                .build())
        .create();
    var c =
        shell("c", "cat \"$SETTINGS/greet.txt\"; echo \" $GREETING $NS $(pwd)\"; ls; exec sleep 60")
            .withWorkingDir("/etc/settings")
            .addNewVolumeMount()
            .withName("settings")
            .withMountPath("/etc/settings")
            .endVolumeMount()
            .addNewEnv()
            .withName("SETTINGS")
            .withValue("/etc/settings")
            .endEnv()
            .addNewEnv()
            .withName("GREETING")
            .withNewValueFrom()
            .withNewConfigMapKeyRef()
            .withName("settings")
            .withKey("greeting")
            .endConfigMapKeyRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("NS")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.namespace")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .withNewReadinessProbe()
            .withNewExec()
            .withCommand("test", "-f", "/etc/settings/greet.txt")
            .endExec()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .build();
    var pod = pod("settings", "Always", c);
    pod.getSpec()
        .getVolumes()
        .add(
            new VolumeBuilder()
                .withName("settings")
                .withNewConfigMap()
                .withName("settings")
                .addNewItem()
                .withKey("greeting")
                .withPath("greet.txt")
                .endItem()
                .endConfigMap()
                .build());
    create(pod);

    awaitPod("settings", p -> "True".equals(condition(p, "Ready")));

    var log = node.log(ns, "settings", "c");
    var volume = log.resolveSibling("volumes").resolve("settings");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(log))
                    .contains("hello hello " + ns + " " + volume)
                    .contains("greet.txt")
                    .doesNotContain("unused"));

    client.pods().inNamespace(ns).withName("settings").delete();

    await()
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(ns).withName("settings").get() == null);
  }

  @Test
  void runsTheSchemagateRunnerFromImagesYaml() {
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("sql")
                .endMetadata()
                .withData(Map.of("V1__teams.sql", "CREATE TABLE teams (id int);"))
                .build())
        .create();
    var migrate =
        new ContainerBuilder()
            .withName("migrate")
            .withImage("schemagate:0.1.0")
            .withArgs("migrate")
            .addNewEnv()
            .withName("DATABASE_URL")
            .withValue("postgresql://nobody@127.0.0.1:1/none")
            .endEnv()
            .addNewEnv()
            .withName("MIGRATIONS_DIR")
            .withValue("/migrations")
            .endEnv()
            .addNewVolumeMount()
            .withName("sql")
            .withMountPath("/migrations")
            .endVolumeMount()
            .build();
    var pod = pod("runner", "Never", migrate);
    pod.getSpec()
        .getVolumes()
        .add(
            new VolumeBuilder()
                .withName("sql")
                .withNewConfigMap()
                .withName("sql")
                .endConfigMap()
                .build());
    create(pod);

    pod = awaitPod("runner", p -> "Failed".equals(p.getStatus().getPhase()));

    // 3 is "cannot connect": the runner got past reading the migrations from the rewritten mount
    // path.
    var terminated = container(pod, "migrate").getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(3);
    assertThat(terminated.getMessage()).contains("127.0.0.1");
  }

  private static ContainerBuilder shell(String name, String script) {
    return new ContainerBuilder().withName(name).withImage("shell").withArgs(script);
  }

  private static PodSpec spec(String restartPolicy, Container container) {
    return new PodSpecBuilder()
        .withRestartPolicy(restartPolicy)
        .withTerminationGracePeriodSeconds(2L)
        .withContainers(container)
        .build();
  }

  private static Pod pod(String name, String restartPolicy, Container container) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withSpec(spec(restartPolicy, container))
        .build();
  }

  private void create(Pod pod) {
    client.pods().inNamespace(ns).resource(pod).create();
  }

  private Pod awaitPod(String name, Predicate<Pod> condition) {
    return await()
        .atMost(WAIT)
        .until(
            () -> client.pods().inNamespace(ns).withName(name).get(),
            p ->
                p != null
                    && p.getStatus() != null
                    && !p.getStatus().getContainerStatuses().isEmpty()
                    && condition.test(p));
  }

  private static ContainerStatus container(Pod pod, String name) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static String condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow()
        .getStatus();
  }

  private static String conditionReason(Pod pod, String type) {
    if (pod == null || pod.getStatus() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getReason)
        .findFirst()
        .orElse(null);
  }

  private static boolean listening(int port) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
