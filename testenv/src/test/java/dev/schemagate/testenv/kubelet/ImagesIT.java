package dev.schemagate.testenv.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.DumpOnFailure;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.Ports;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The images built here run on the real node as the chart and the example run them: the operator's
 * image runs the runner (Flyway against PostgreSQL, with its class-data archive mapped) and has
 * pg_dump; the basketball-api image runs {@code alembic upgrade head} and then its app. Pods use
 * the node's network (hostNetwork), where PostgreSQL is relayed at its own port on loopback.
 */
class ImagesIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String NS = "images";

  private static ControlPlane plane;
  private static KubernetesClient client;
  private static RealNode node;
  private static OciImage operator;
  private static OciImage basketball;
  private static OciImage shellApp;

  @BeforeAll
  static void startNode() throws Exception {
    assumeTrue(
        (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
        "a real node needs root");
    var started = Instant.now();
    operator = Images.operator();
    var operatorBuilt = Instant.now();
    basketball = Images.basketballApi("1.8.1");
    System.out.printf(
        "images: operator %d ms (%s, %d MB), basketball-api %d ms (%s, %d MB)%n",
        Duration.between(started, operatorBuilt).toMillis(),
        operator.name(),
        Files.size(operator.archive()) >> 20,
        Duration.between(operatorBuilt, Instant.now()).toMillis(),
        basketball.name(),
        Files.size(basketball.archive()) >> 20);
    shellApp = Images.shellApp("bench-app:1", List.of("sh", "-c", "echo started as $(id -u)"));
    plane =
        ControlPlane.start(
            Path.of("target/testenv-images"), ControlPlane.Options.defaults().withKubelets());
    client = plane.client();
    node =
        RealNode.start(
            plane,
            "images-node",
            plane.dir().resolve("node"),
            List.of(operator, basketball, shellApp),
            LocalPostgres.shared().exposed().stream().toList());
    System.out.printf(
        "images: containerd start to Node Ready, the images imported: %d ms%n",
        node.startToReady().toMillis());
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    DumpOnFailure.watch(client, NS, null);
    await()
        .atMost(WAIT)
        .until(() -> client.serviceAccounts().inNamespace(NS).withName("default").get() != null);
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

  @Test
  void theOperatorImageRunsTheRunnerWithItsClassDataArchiveAsTheChartsUser() throws Exception {
    var url = LocalPostgres.shared().createDatabase("image_runner");
    var scripts = new TreeMap<String, String>();
    try (var files =
        Files.list(Binaries.repoRoot().resolve("examples/basketball-api/migrations"))) {
      for (var f : files.toList()) {
        scripts.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("migrations")
                .endMetadata()
                .withData(scripts)
                .build())
        .create();
    var pod =
        pod(
            "migrate",
            operator,
            null,
            List.of("migrate", "--dir=/migrations"),
            // -Xshare:on makes the JVM fail rather than run without the archive.
            Map.of("DATABASE_URL", url, "JAVA_TOOL_OPTIONS", "-Xshare:on"));
    pod.getSpec()
        .getContainers()
        .get(0)
        .getVolumeMounts()
        .add(
            new VolumeMountBuilder()
                .withName("m")
                .withMountPath("/migrations")
                .withReadOnly(true)
                .build());
    pod.getSpec()
        .getVolumes()
        .add(
            new VolumeBuilder()
                .withName("m")
                .withNewConfigMap()
                .withName("migrations")
                .endConfigMap()
                .build());
    client.pods().inNamespace(NS).resource(pod).create();
    awaitPod("migrate", p -> "Succeeded".equals(p.getStatus().getPhase()));

    try (var db = LocalPostgres.connect(url);
        var rows =
            db.createStatement()
                .executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(8);
    }
    var whoami = run("whoami", operator, List.of("sh", "-c", "id -u; pg_dump --version"), null);
    assertThat(whoami).startsWith("65532\n").contains("pg_dump (PostgreSQL) 15");
    assertThat(run("version", operator, null, List.of("--version"))).contains("schemagate");
  }

  @Test
  void theBasketballImageMigratesWithAlembicAndThenServes() throws Exception {
    var url = LocalPostgres.shared().createDatabase("image_alembic");
    var env =
        Map.of(
            "DATABASE_URL",
            url,
            "BASKETBALL_TENANT",
            "league",
            "BASKETBALL_SECRET_KEY",
            "not-a-secret");
    var upgrade = pod("alembic", basketball, List.of("alembic"), List.of("upgrade", "head"), env);
    client.pods().inNamespace(NS).resource(upgrade).create();
    awaitPod("alembic", p -> "Succeeded".equals(p.getStatus().getPhase()));
    try (var db = LocalPostgres.connect(url);
        var rows = db.createStatement().executeQuery("SELECT version_num FROM alembic_version")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo("008");
    }

    var port = Ports.freeLoopbackPort();
    var withPort = new TreeMap<>(env);
    withPort.put("PORT", String.valueOf(port));
    var app = pod("app", basketball, null, null, withPort);
    app.getSpec()
        .getContainers()
        .get(0)
        .setReadinessProbe(
            new ProbeBuilder()
                .withNewHttpGet()
                .withPath("/healthz")
                .withNewPort(port)
                .endHttpGet()
                .withPeriodSeconds(1)
                .build());
    client.pods().inNamespace(NS).resource(app).create();
    awaitPod("app", ImagesIT::ready);
  }

  @Test
  void aShellAppRunsUnderItsOwnNameWithItsDefaultCommand() {
    assertThat(shellApp.name()).isEqualTo("bench-app:1");
    var pod = pod("shell-app", shellApp, null, null, Map.of());
    // busybox's image names no user: the pod gives one, as runAsNonRoot requires.
    pod.getSpec().getSecurityContext().setRunAsUser(65534L);
    client.pods().inNamespace(NS).resource(pod).create();
    awaitPod("shell-app", p -> "Succeeded".equals(p.getStatus().getPhase()));
    assertThat(client.pods().inNamespace(NS).withName("shell-app").getLog())
        .isEqualTo("started as 65534\n");
  }

  /** The pod's log once it has run to the end. */
  private String run(String name, OciImage image, List<String> command, List<String> args) {
    client.pods().inNamespace(NS).resource(pod(name, image, command, args, Map.of())).create();
    awaitPod(name, p -> "Succeeded".equals(p.getStatus().getPhase()));
    return client.pods().inNamespace(NS).withName(name).getLog();
  }

  private static Pod pod(
      String name,
      OciImage image,
      List<String> command,
      List<String> args,
      Map<String, String> env) {
    var container =
        new ContainerBuilder()
            .withName("c")
            .withImage(image.name())
            .withImagePullPolicy("Never")
            .withCommand(command)
            .withArgs(args)
            .withEnv(
                env.entrySet().stream()
                    .map(e -> new EnvVar(e.getKey(), e.getValue(), null))
                    .toList())
            .withVolumeMounts(new ArrayList<>())
            .withNewSecurityContext()
            .withReadOnlyRootFilesystem(true)
            .withAllowPrivilegeEscalation(false)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .build();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withHostNetwork(true)
        .withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(1L)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .endSecurityContext()
        .withContainers(container)
        .withVolumes(new ArrayList<>())
        .endSpec()
        .build();
  }

  private Pod awaitPod(String name, Predicate<Pod> condition) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.pods().inNamespace(NS).withName(name).get(),
            p -> {
              if (p != null && "Failed".equals(p.getStatus().getPhase()) && !condition.test(p)) {
                throw new AssertionError(
                    name + " failed: " + client.pods().inNamespace(NS).withName(name).getLog());
              }
              return p != null && condition.test(p);
            });
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }
}
