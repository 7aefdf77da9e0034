package dev.schemagate.testenv.kubelet;

import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.CertificateAuthority;
import dev.schemagate.testenv.Command;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.LocalProcess;
import dev.schemagate.testenv.Ports;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real node: Debian's containerd and runc, and the kubelet built from k8s.io/kubernetes,
 * registered with a {@link ControlPlane} started {@link ControlPlane.Options#withKubelets() with
 * kubelets} under a client certificate {@code CN=system:node:<name>, O=system:nodes}, serving logs
 * and exec to the API server under a certificate of the same authority. Images are imported, never
 * pulled ({@link OciImage}).
 *
 * <p>Both run in mount and network namespaces of their own ({@code unshare -m -n}) so that they
 * change nothing on the machine: the kubelet writes sysctls and creates directories under /var,
 * /run and /opt whatever its flags say, so in there the sysctl files are plain files, /var/log,
 * /var/lib and /opt are directories of this node's, and /run is a tmpfs. The node's network is its
 * loopback and a bridge that Debian's CNI plugins ({@code bridge}, {@code host-local}) give each
 * pod a veth and an address on ({@link #POD_SUBNET}, the node at {@link #GATEWAY}); it has no route
 * out, so pod traffic stays in there. What pods and the kubelet talk to on the machine's loopback
 * arrives through {@link Relay}s that meet at UNIX sockets: the API server at the node's 127.0.0.1
 * and at the gateway on its own port, and at the in-cluster {@code kubernetes} Service's address,
 * which an iptables rule of the node's redirects there as kube-proxy would; {@link Exposed} sockets
 * (PostgreSQL's) at the gateway; and the kubelet's port at the machine's 127.0.0.1 for the API
 * server (logs, exec). Its cgroups ({@code /kubepods}) are the machine's: one real node runs on a
 * machine at a time (a lock in the tools' cache), and {@link #close()} kills what runs in them and
 * removes them, as {@link #start} does with what a killed run left.
 */
public final class RealNode implements AutoCloseable {
  /** containerd's socket, on the namespace's own /run. */
  private static final String SOCKET = "/run/containerd/containerd.sock";

  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Duration CONTAINERD_START = Duration.ofSeconds(30);
  private static final Duration READY = Duration.ofSeconds(90);

  /** The pods' addresses: the CNI bridge's range, inside the node's network namespace only. */
  public static final String POD_SUBNET = "10.88.0.0/16";

  /** The node's own address on the pods' bridge: where pods reach what the node relays. */
  public static final String GATEWAY = "10.88.0.1";

  /** A UNIX socket of the machine that pods reach at {@code GATEWAY:port}. */
  public record Exposed(int port, Path socket) {}

  /** The sysctls a kubelet sets at start (pkg/kubelet/cm: setupKernelTunables). */
  private static final List<String> SYSCTLS =
      List.of(
          "vm/overcommit_memory",
          "vm/panic_on_oom",
          "kernel/panic",
          "kernel/panic_on_oops",
          "kernel/keys/root_maxkeys",
          "kernel/keys/root_maxbytes");

  /** Machine-wide cgroups: the kubelet's (cgroupDriver cgroupfs) and containerd's. */
  private static final List<String> CGROUPS = List.of("kubepods", "k8s.io");

  /**
   * Run by unshare in the new mount and network namespaces, then execs containerd. $1: the node's
   * directory; $2, $3: the kubernetes Service's address and port; $4: the API server's port at the
   * gateway; the rest: the command.
   */
  private static final String NAMESPACE =
      """
      set -eu
      dir=$1; service_ip=$2; service_port=$3; api_port=$4; shift 4
      ip link set lo up
      # What kube-proxy would program for the kubernetes Service, whose one endpoint is the API
      # server's relay at the gateway.
      iptables -t nat -A PREROUTING -d "$service_ip" -p tcp --dport "$service_port" \\
        -j REDIRECT --to-ports "$api_port"
      for f in %s; do
        copy="$dir/sysctl/$(echo "$f" | tr / .)"
        cat "/proc/sys/$f" > "$copy"
        mount --bind "$copy" "/proc/sys/$f"
      done
      mount --bind "$dir/var-log" /var/log
      mount --bind "$dir/var-lib" /var/lib
      mount --bind "$dir/opt" /opt
      mount -t tmpfs -o mode=0755 tmpfs /run
      exec "$@"
      """
          .formatted(String.join(" ", SYSCTLS));

  /** The taint a kubelet with an external cloud provider registers with; we are that provider. */
  private static final String UNINITIALIZED = "node.cloudprovider.kubernetes.io/uninitialized";

  private final String name;
  private final Path dir;
  private final KubernetesClient client;
  private final FileChannel lockFile;
  private final List<LocalProcess> processes = new ArrayList<>();
  private final Path sockets;
  private Relay machineRelay;
  private LocalProcess containerd;
  private LocalProcess kubelet;
  private Path kubeletBinary;
  private Duration startToReady;

  private RealNode(
      String name, Path dir, KubernetesClient client, FileChannel lockFile, Path sockets) {
    this.name = name;
    this.dir = dir;
    this.client = client;
    this.lockFile = lockFile;
    this.sockets = sockets;
  }

  /**
   * Starts containerd and a kubelet named {@code name} with its state in {@code dir}, imports
   * {@code images} (the pause image is always there), and returns once the Node is Ready. {@code
   * plane} must run {@link ControlPlane.Options#withKubelets()}.
   */
  public static RealNode start(ControlPlane plane, String name, Path dir, List<OciImage> images)
      throws IOException, InterruptedException {
    return start(plane, name, dir, images, List.of());
  }

  /** As {@link #start(ControlPlane, String, Path, List)}, pods reaching {@code exposed} too. */
  public static RealNode start(
      ControlPlane plane, String name, Path dir, List<OciImage> images, List<Exposed> exposed)
      throws IOException, InterruptedException {
    var binaries = Binaries.kubeletDir();
    var pause = Images.pause();
    for (var system : List.of("/var", "/run", "/opt")) {
      if (dir.toAbsolutePath().startsWith(system)) {
        throw new IllegalArgumentException(
            dir + ": a real node's directory must not be under " + system + ", which it hides");
      }
    }
    Files.createDirectories(Binaries.cacheDir());
    var lockFile =
        FileChannel.open(
            Binaries.cacheDir().resolve("real-node.lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    lockFile.lock();
    // UNIX socket paths must be short (108 bytes): not under the node's directory.
    var sockets = Files.createTempDirectory("schemagate-node-");
    var node = new RealNode(name, dir.toAbsolutePath(), plane.client(), lockFile, sockets);
    try {
      removeCgroups();
      var kubeletPort = Ports.freeLoopbackPort();
      node.configure(plane, pause, kubeletPort);
      var apiPort = URI.create(plane.server()).getPort();
      var started = Instant.now();
      node.startContainerd(apiPort);
      node.link(apiPort, kubeletPort, exposed);
      var all = new ArrayList<OciImage>(List.of(pause));
      all.addAll(images);
      for (var image : all) {
        node.importImage(image);
      }
      node.kubeletBinary = binaries.resolve("kubelet");
      node.startKubelet();
      node.startToReady = Duration.between(started, Instant.now());
      return node;
    } catch (IOException | InterruptedException | RuntimeException e) {
      node.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public Path dir() {
    return dir;
  }

  /** From containerd's start to the Node's Ready, images imported included. */
  public Duration startToReady() {
    return startToReady;
  }

  private void configure(ControlPlane plane, OciImage pause, int kubeletPort) throws IOException {
    for (var d : List.of("sysctl", "var-log", "var-lib", "opt", "cni")) {
      // Afresh: a previous run's containers, pods and leases belong to a control plane that is
      // gone (./demo starts its node in the same directory each time).
      deleteRecursively(dir.resolve(d));
      Files.createDirectories(dir.resolve(d));
    }
    var authority = plane.authority();
    var client =
        authority.issue(
            "node-" + name,
            "/O=system:nodes/CN=system:node:" + name,
            CertificateAuthority.Usage.CLIENT,
            List.of());
    var serving =
        authority.issue(
            "kubelet-" + name,
            "/CN=" + name,
            CertificateAuthority.Usage.SERVER,
            List.of("127.0.0.1", "localhost", name));
    Files.writeString(
        dir.resolve("containerd.toml"), NodeConfig.containerd(dir, SOCKET, pause.name()));
    Files.writeString(
        dir.resolve("cni/pods.conflist"), NodeConfig.podNetwork(POD_SUBNET, dir.resolve("cni")));
    Files.writeString(
        dir.resolve("kubelet.yaml"),
        NodeConfig.kubelet(SOCKET, kubeletPort, serving, authority.certificate()));
    Files.writeString(
        dir.resolve("kubelet.kubeconfig"),
        NodeConfig.kubeconfig(plane.server(), authority.certificate(), client));
  }

  private void startContainerd(int apiPort) throws IOException, InterruptedException {
    var service =
        await(
            "the kubernetes Service",
            () -> client.services().inNamespace("default").withName("kubernetes").get());
    containerd =
        start(
            "containerd",
            List.of(
                "unshare",
                "-m",
                "-n",
                "--propagation",
                "private",
                "bash",
                "-c",
                NAMESPACE,
                "real-node",
                dir.toString(),
                service.getSpec().getClusterIP(),
                Integer.toString(service.getSpec().getPorts().get(0).getPort()),
                Integer.toString(apiPort),
                "containerd",
                "--config",
                dir.resolve("containerd.toml").toString()));
    var deadline = Instant.now().plus(CONTAINERD_START);
    // The socket as containerd's mount namespace sees it. ctr waits for a missing socket with a
    // back-off of seconds (it took 10 s when asked before containerd had made it): ask only once
    // it is there.
    var socket = Path.of("/proc", Long.toString(containerd.pid()), "root", SOCKET.substring(1));
    while (true) {
      if (!containerd.isAlive()) {
        throw new IllegalStateException("containerd exited at start; see " + containerd.log());
      }
      if (!Files.exists(socket)) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "containerd made no socket in " + CONTAINERD_START + "; see " + containerd.log());
        }
        Thread.sleep(20);
        continue;
      }
      var version =
          inNamespace(
              List.of("ctr", "--address", SOCKET, "--connect-timeout", "2s", "version"),
              Duration.ofSeconds(10));
      if (version.exitCode() == 0) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "containerd not serving after " + CONTAINERD_START + ": " + version);
      }
      Thread.sleep(100);
    }
  }

  /**
   * The relays between the machine's loopback and the node's network: the API server at the same
   * port on the node's loopback and gateway (one URL for the kubelet, on the machine and in there),
   * each exposed socket at the gateway, and the kubelet's port on the machine's loopback.
   */
  private void link(int apiPort, int kubeletPort, List<Exposed> exposed)
      throws IOException, InterruptedException {
    var api = Relay.unix(sockets.resolve("apiserver"));
    var kubeletSocket = Relay.unix(sockets.resolve("kubelet"));
    machineRelay =
        Relay.start(
            List.of(
                Relay.rule(api, Relay.tcp("127.0.0.1", apiPort)),
                Relay.rule(Relay.tcp("127.0.0.1", kubeletPort), kubeletSocket)));
    var rules = new ArrayList<String>();
    rules.add(Relay.rule(Relay.tcp("0.0.0.0", apiPort), api));
    rules.add(Relay.rule(kubeletSocket, Relay.tcp("127.0.0.1", kubeletPort)));
    for (var e : exposed) {
      // Any address: the gateway's exists only once the first pod made the bridge.
      rules.add(Relay.rule(Relay.tcp("0.0.0.0", e.port()), Relay.unix(e.socket())));
    }
    var java = ProcessHandle.current().info().command().orElse("java");
    var command =
        new ArrayList<>(
            List.of(
                "nsenter",
                "-t",
                Long.toString(containerd.pid()),
                "-n",
                "--",
                java,
                // A few threads copying bytes: the smallest JVM will do.
                "-Xmx32m",
                "-Xss256k",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                absoluteClasspath(),
                Relay.class.getName()));
    command.addAll(rules);
    var builder = new ProcessBuilder(command);
    builder.environment().put("PATH", PATH);
    var relay = LocalProcess.start("relay", dir.resolve("relay.log"), builder);
    processes.add(relay);
    await(
        "the node's relay",
        () -> {
          if (!relay.isAlive()) {
            throw new IllegalStateException("the node's relay exited; see " + relay.log());
          }
          return Files.readString(relay.log()).contains("ready") ? true : null;
        });
  }

  private static String absoluteClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Polls {@code value} until it is not null, for up to {@link #CONTAINERD_START}. */
  private static <T> T await(String what, Callable<T> value) throws InterruptedException {
    var deadline = Instant.now().plus(CONTAINERD_START);
    while (true) {
      try {
        var v = value.call();
        if (v != null) {
          return v;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (IllegalStateException e) {
        throw e;
      } catch (Exception e) {
        // Not yet.
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(what + " not there after " + CONTAINERD_START);
      }
      Thread.sleep(50);
    }
  }

  /** Makes {@code image} available to the node's pods (containerd's k8s.io namespace). */
  public void importImage(OciImage image) {
    inNamespace(
            List.of(
                "ctr",
                "--address",
                SOCKET,
                "-n",
                "k8s.io",
                "images",
                "import",
                image.archive().toAbsolutePath().toString()),
            Duration.ofMinutes(5))
        .ok();
  }

  /**
   * Stops the kubelet alone, as when it dies on a machine: its containers keep running, and the
   * node lifecycle controller marks the Node's Ready Unknown once its Lease is 20 s old.
   */
  public void stopKubelet() {
    kubelet.close();
    processes.remove(kubelet);
  }

  /** Starts the kubelet (again), and waits for its Node to be Ready. */
  public void startKubelet() throws IOException, InterruptedException {
    kubelet =
        start(
            "kubelet",
            List.of(
                kubeletBinary.toString(),
                "--config=" + dir.resolve("kubelet.yaml"),
                "--kubeconfig=" + dir.resolve("kubelet.kubeconfig"),
                // Its default, in the namespace's own /var/lib: the node's var-lib directory. The
                // kubelet makes sockets in there, whose paths must be short.
                "--root-dir=/var/lib/kubelet",
                "--hostname-override=" + name,
                // No cloud, but "external" keeps the kubelet off the Node's addresses once set: it
                // would give the machine's own interface address, where it does not listen, and it
                // refuses a loopback --node-ip. awaitReady sets 127.0.0.1 as a cloud provider
                // would.
                "--cloud-provider=external"));
    awaitReady();
  }

  /** Runs a command in the node's mount namespace (containerd's). */
  private Command.Result inNamespace(List<String> command, Duration timeout) {
    var full =
        new ArrayList<String>(
            List.of("nsenter", "-t", Long.toString(containerd.pid()), "-m", "--"));
    full.addAll(command);
    var builder = new ProcessBuilder(full);
    builder.environment().put("PATH", PATH);
    return Command.run(builder, null, timeout);
  }

  private LocalProcess start(String process, List<String> command) throws IOException {
    List<String> full = command;
    if (containerd != null) {
      full =
          new ArrayList<>(
              List.of("nsenter", "-t", Long.toString(containerd.pid()), "-m", "-n", "--"));
      full.addAll(command);
    }
    var builder = new ProcessBuilder(full);
    builder.environment().put("PATH", PATH);
    var started = LocalProcess.start(process, dir.resolve(process + ".log"), builder);
    processes.add(started);
    return started;
  }

  /**
   * Waits for the kubelet to register its Node, gives it its address and clears the external cloud
   * provider's taint (as a cloud controller would), then waits for Ready.
   */
  private void awaitReady() throws InterruptedException {
    var deadline = Instant.now().plus(READY);
    var addressed = false;
    while (Instant.now().isBefore(deadline)) {
      if (!kubelet.isAlive()) {
        throw new IllegalStateException("the kubelet exited at start; see " + kubelet.log());
      }
      var node = client.nodes().withName(name).get();
      if (node != null && !addressed) {
        untaint();
        // A merge patch replaces the list, and carries no resourceVersion that the kubelet's own
        // status updates could make stale.
        client
            .nodes()
            .withName(name)
            .subresource("status")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}]}}");
        addressed = true;
      } else if (node != null && ready(node)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "node " + name + " not Ready after " + READY + "; see " + dir.resolve("kubelet.log"));
  }

  /**
   * Removes the external cloud provider's taint, again if the kubelet or a controller got first.
   */
  private void untaint() {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .nodes()
            .withName(name)
            .edit(
                n -> {
                  n.getSpec()
                      .setTaints(
                          n.getSpec().getTaints().stream()
                              .filter(t -> !t.getKey().equals(UNINITIALIZED))
                              .toList());
                  return n;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * How many times containers named {@code container} were started in {@code namespace}: the
   * kubelet records each start in a Started event, which outlives the pod.
   */
  public static long starts(KubernetesClient client, String namespace, String container) {
    var field = "spec.containers{" + container + "}";
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> "Started".equals(e.getReason()))
        .filter(e -> field.equals(e.getInvolvedObject().getFieldPath()))
        .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  /** {@code url} (a database on the machine's loopback) as the node's pods reach it. */
  public static String inPods(String url) {
    return url.replace("@127.0.0.1:", "@" + GATEWAY + ":");
  }

  static boolean ready(Node node) {
    return node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Stops the kubelet, the pods' containers, containerd and its shims (everything in the node's
   * mount namespace), and removes the node's cgroups. The Node object stays, as a cluster keeps a
   * stopped machine's.
   */
  @Override
  public void close() {
    if (kubelet != null) {
      kubelet.close();
    }
    removeCgroups();
    if (containerd != null) {
      killNamespace(containerd.pid());
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
    if (machineRelay != null) {
      machineRelay.close();
    }
    try (var files = Files.list(sockets)) {
      for (var file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(sockets);
    } catch (IOException e) {
      // Temporary files: left for the machine's clean-up.
    }
    client.close();
    try {
      lockFile.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path top) throws IOException {
    if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(top)) {
      for (var path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Kills every process in the mount namespace of {@code pid}, that one last. */
  private static void killNamespace(long pid) {
    var namespace = mountNamespace(pid);
    // Never the machine's own: were that pid ever not containerd in its namespace any more, this
    // would kill everything.
    if (namespace == null || namespace.equals(mountNamespace(ProcessHandle.current().pid()))) {
      return;
    }
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != pid && namespace.equals(mountNamespace(p.pid())))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static String mountNamespace(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")).toString();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Kills every process in the machine-wide cgroups of a real node, in every hierarchy, and removes
   * those cgroups, deepest first.
   */
  static void removeCgroups() {
    var tops = new ArrayList<Path>();
    try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (var hierarchy : hierarchies.toList()) {
        for (var cgroup : CGROUPS) {
          if (Files.isDirectory(hierarchy.resolve(cgroup))) {
            tops.add(hierarchy.resolve(cgroup));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (var top : tops) {
      for (var cgroup : cgroups(top)) {
        try {
          Files.readAllLines(cgroup.resolve("cgroup.procs")).stream()
              .filter(l -> !l.isBlank())
              .map(l -> ProcessHandle.of(Long.parseLong(l.strip())))
              .flatMap(Optional::stream)
              .forEach(ProcessHandle::destroyForcibly);
        } catch (IOException e) {
          // Gone meanwhile.
        }
      }
    }
    var deadline = Instant.now().plusSeconds(10);
    for (var top : tops) {
      for (var cgroup : cgroups(top)) {
        while (Files.exists(cgroup)) {
          try {
            Files.delete(cgroup);
          } catch (IOException e) {
            // Busy until its last process is gone.
            if (Instant.now().isAfter(deadline)) {
              throw new IllegalStateException("cannot remove cgroup " + cgroup, e);
            }
            try {
              Thread.sleep(50);
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }
      }
    }
  }

  /** {@code top} and the cgroups below it, deepest first. */
  private static List<Path> cgroups(Path top) {
    try (Stream<Path> walk = Files.walk(top)) {
      return walk.filter(Files::isDirectory)
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
          .toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }
}
