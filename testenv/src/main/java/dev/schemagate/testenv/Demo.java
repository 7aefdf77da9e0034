package dev.schemagate.testenv;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import dev.schemagate.SchemaGateOperator;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.BasketballExample.Release;
import dev.schemagate.testenv.kubelet.Images;
import dev.schemagate.testenv.kubelet.RealNode;
import dev.schemagate.testenv.node.LocalNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

/**
 * The README's run command: the basketball-api story on this machine, with no cluster and no
 * Docker. A local PostgreSQL, a real control plane, a local node running pods as processes, the
 * operator; then examples/basketball-api released as 1.7 (first install), 1.8 with the broken 008
 * (the gate holds 1.8 while 1.7 keeps serving) and 1.8.1 with the fixed one (it rolls out). With
 * {@code --real-node} the pods are containers of a real node (kubelet, containerd, runc) from
 * images built here, and the operator is the chart's pod, installed with helm.
 */
public final class Demo {
  static final String NAMESPACE = BasketballExample.NAMESPACE;
  static final String NAME = BasketballExample.NAME;
  static final String APP_CONTAINER = BasketballExample.APP_CONTAINER;
  static final Duration ACT = Duration.ofMinutes(3);

  private final Instant begin = Instant.now();
  private final Path root = Binaries.repoRoot();

  public static void main(String[] args) throws Exception {
    var options = List.of(args);
    System.exit(new Demo().run(options.contains("--exit"), options.contains("--real-node")));
  }

  int run(boolean exitWhenDone, boolean real) throws Exception {
    var state = Files.createDirectories(root.resolve(".schemagate"));
    say("starting PostgreSQL");
    var url = LocalPostgres.shared().createDatabase("basketball");
    // What the example's Secret says: the database as the pods reach it.
    var podUrl = real ? RealNode.inPods(url) : url;
    say(
        "starting the control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler"
            + " (built once from Go modules)");
    var plane =
        ControlPlane.start(
            state.resolve("run"),
            real
                ? ControlPlane.Options.defaults().withKubelets()
                : ControlPlane.Options.defaults());
    var client = plane.client();
    LocalNode node = null;
    RealNode realNode = null;
    io.javaoperatorsdk.operator.Operator operator = null;
    var stop = new CountDownLatch(1);
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    stopped.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    try {
      var kubeconfig = state.resolve("kubeconfig");
      Files.copy(plane.kubeconfig(), kubeconfig, REPLACE_EXISTING);
      if (real) {
        say(
            "building the images (once per change: the operator's, basketball-api's) and starting"
                + " a real node: kubelet, containerd, runc (logs in "
                + root.relativize(state)
                + "/real-node)");
        var operatorImage = Images.operator();
        var images = new ArrayList<>(List.of(operatorImage));
        for (var release : Release.values()) {
          images.add(Images.basketballApi(release.image.substring(release.image.indexOf(':') + 1)));
        }
        images.addAll(Images.userImages());
        realNode =
            RealNode.start(
                plane,
                "real-node",
                state.resolve("real-node"),
                images,
                LocalPostgres.shared().exposed().stream().toList());
        say("helm install of charts/schemagate: the operator runs as its pod");
        OperatorChart.install(plane, operatorImage);
      } else {
        say(
            "starting a local node (pods run as processes; logs in "
                + root.relativize(state)
                + "/node) and the operator");
        node = LocalNode.builder(client).dir(state.resolve("node")).start();
        operator =
            SchemaGateOperator.start(
                // A client of its own: the operator closes it when it stops.
                plane.client(),
                new SimpleMeterRegistry(),
                new SchemaGateOperator.Settings(Set.of(), "schemagate:demo", null));
      }
      var localNode = node;
      ToLongFunction<String> starts =
          localNode != null
              ? ns -> localNode.starts(ns, APP_CONTAINER)
              : ns -> RealNode.starts(client, ns, APP_CONTAINER);
      say(
          "in another shell:  export KUBECONFIG="
              + kubeconfig
              + "  &&  kubectl get smig,deploy,jobs,pods -n "
              + NAMESPACE);

      var watch = new Narrator(client, starts);
      say(
          "act 1: basketball-api 1.7 is installed (web and worker, one image), its migrations"
              + " V1..V7 run once, in a Job");
      BasketballExample.apply(client, NAMESPACE, podUrl, Release.V1_7, item -> {});
      var installed =
          watch.until(() -> watch.conditionTrue("Ready") && watch.readyReplicas() == 3, ACT);
      say("1.7 serves: 3 web pods Ready, and the worker");
      boolean stalled;
      boolean rolledOut;
      try (var ready =
          new ReadyPods(
                  client,
                  NAMESPACE,
                  NAME,
                  Duration.ofMillis(200),
                  counts -> say("Ready pods " + counts))
              .start()) {
        say(
            "act 2: release 1.8 ships migration 008 as it broke (CREATE TYPE division, again); the"
                + " web and the worker start their rolling updates, and 008 is rehearsed on a copy"
                + " of production's schema first");
        BasketballExample.apply(client, NAMESPACE, podUrl, Release.V1_8, item -> {});
        stalled = watch.until(() -> watch.conditionTrue("Stalled"), ACT);
        say(
            "the gate held 1.8: app pods started "
                + starts.applyAsLong(NAMESPACE)
                + " times in all, 1.7 still serving "
                + ready.now());

        say(
            "act 3: release 1.8.1 fixes 008 (idempotent SQL); it passes its rehearsal and the"
                + " re-run on its own result, its migration runs once for the web and the worker,"
                + " then both roll out");
        BasketballExample.apply(client, NAMESPACE, podUrl, Release.V1_8_1, item -> {});
        rolledOut =
            watch.until(
                () ->
                    watch.conditionTrue("Ready")
                        && Map.of(Release.V1_8_1.image, 3).equals(ready.now()),
                ACT);
        System.out.print(
            Kubectl.run(kubeconfig, null, "get", "schemamigrations,deployments", "-n", NAMESPACE));
        say(
            "fewest Ready pods seen during both upgrades: "
                + ready.minimum()
                + " (of 3, "
                + ready.samples()
                + " samples every 200 ms)");
      }
      if (!(installed && stalled && rolledOut)) {
        say(
            "the story did not finish within "
                + ACT.toMinutes()
                + " minutes per act; see "
                + root.relativize(state));
        return 1;
      }
      say(
          real
              ? "try your own app: list your image archives (docker save) in a file named by"
                  + " $SCHEMAGATE_IMAGE_ARCHIVES, then kubectl apply your Deployment and"
                  + " SchemaMigration"
              : "try your own app: images map to commands through $SCHEMAGATE_IMAGES (see"
                  + " testenv/images.yaml), then kubectl apply your Deployment and"
                  + " SchemaMigration");
      if (!exitWhenDone) {
        say("running; Ctrl-C stops everything");
        stop.await();
      }
      return 0;
    } finally {
      if (operator != null) {
        operator.stop();
      }
      if (node != null) {
        node.close();
      }
      if (realNode != null) {
        realNode.close();
      }
      client.close();
      plane.close();
      say("stopped");
      stopped.countDown();
    }
  }

  void say(String line) {
    System.out.printf(
        "[%5.1fs] %s%n", Duration.between(begin, Instant.now()).toMillis() / 1000.0, line);
  }

  /** Prints what on-call would watch, as it changes: the conditions, the replicas, app starts. */
  final class Narrator {
    private final KubernetesClient client;
    private final ToLongFunction<String> starts;
    private String last = "";

    Narrator(KubernetesClient client, ToLongFunction<String> starts) {
      this.client = client;
      this.starts = starts;
    }

    boolean until(BooleanSupplier done, Duration timeout) throws InterruptedException {
      var deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        print();
        if (done.getAsBoolean()) {
          return true;
        }
        Thread.sleep(200);
      }
      return false;
    }

    private void print() {
      var m = migration();
      var line = "";
      if (m != null && m.getStatus() != null) {
        line =
            m.getStatus().getConditions().stream()
                .filter(c -> "True".equals(c.getStatus()))
                .map(c -> c.getType() + "/" + c.getReason() + ": " + c.getMessage())
                .findFirst()
                .orElse("");
      }
      line +=
          " | Deployment "
              + readyReplicas()
              + " ready | app starts "
              + starts.applyAsLong(NAMESPACE);
      if (!line.equals(last)) {
        say(line);
        last = line;
      }
    }

    SchemaMigration migration() {
      return client.resources(SchemaMigration.class).inNamespace(NAMESPACE).withName(NAME).get();
    }

    boolean conditionTrue(String type) {
      var m = migration();
      return m != null
          && m.getStatus() != null
          && m.getStatus().getConditions().stream()
              .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    int readyReplicas() {
      var d = client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get();
      return d == null || d.getStatus() == null
          ? 0
          : Objects.requireNonNullElse(d.getStatus().getReadyReplicas(), 0);
    }
  }
}
