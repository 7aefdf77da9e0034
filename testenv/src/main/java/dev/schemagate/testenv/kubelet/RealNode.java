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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real node: Debian's containerd and runc, and the kubelet built from k8s.io/kubernetes,
 * registered with a {@link ControlPlane} started {@link ControlPlane.Options#withKubelets() with
 * kubelets} under a client certificate {@code CN=system:node:<name>, O=system:nodes}, serving logs
 * and exec to the API server under a certificate of the same authority. Images are imported, never
 * pulled ({@link OciImage}).
 *
 * <p>Both run in a mount namespace of their own ({@code unshare -m --propagation private}) so that
 * they change nothing on the machine: the kubelet writes sysctls and creates directories under
 * /var, /run and /opt whatever its flags say, so in there the sysctl files are plain files,
 * /var/log, /var/lib and /opt are directories of this node's, and /run is a tmpfs. Pods use the
 * host's network (a loopback-only CNI configuration makes the node Ready). Its cgroups ({@code
 * /kubepods}) are the machine's: one real node runs on a machine at a time (a lock in the tools'
 * cache), and {@link #close()} kills what runs in them and removes them, as {@link #start} does
 * with what a killed run left.
 */
public final class RealNode implements AutoCloseable {
  /** containerd's socket, on the namespace's own /run. */
  private static final String SOCKET = "/run/containerd/containerd.sock";

  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Duration CONTAINERD_START = Duration.ofSeconds(30);
  private static final Duration READY = Duration.ofSeconds(90);

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
   * Run by unshare in the new mount namespace, then execs containerd. $1: the node's directory; the
   * rest: the command.
   */
  private static final String NAMESPACE =
      """
      set -eu
      dir=$1; shift
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
  private LocalProcess containerd;
  private LocalProcess kubelet;
  private Path kubeletBinary;
  private Duration startToReady;

  private RealNode(String name, Path dir, KubernetesClient client, FileChannel lockFile) {
    this.name = name;
    this.dir = dir;
    this.client = client;
    this.lockFile = lockFile;
  }

  /**
   * Starts containerd and a kubelet named {@code name} with its state in {@code dir}, imports
   * {@code images} (the pause image is always there), and returns once the Node is Ready. {@code
   * plane} must run {@link ControlPlane.Options#withKubelets()}.
   */
  public static RealNode start(ControlPlane plane, String name, Path dir, List<OciImage> images)
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
    var node = new RealNode(name, dir.toAbsolutePath(), plane.client(), lockFile);
    try {
      removeCgroups();
      node.configure(plane, pause);
      var started = Instant.now();
      node.startContainerd();
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

  private void configure(ControlPlane plane, OciImage pause) throws IOException {
    for (var d : List.of("sysctl", "var-log", "var-lib", "opt", "cni")) {
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
    Files.writeString(dir.resolve("cni/loopback.conflist"), NodeConfig.loopbackNetwork());
    Files.writeString(
        dir.resolve("kubelet.yaml"),
        NodeConfig.kubelet(SOCKET, Ports.freeLoopbackPort(), serving, authority.certificate()));
    Files.writeString(
        dir.resolve("kubelet.kubeconfig"),
        NodeConfig.kubeconfig(plane.server(), authority.certificate(), client));
  }

  private void startContainerd() throws IOException, InterruptedException {
    containerd =
        start(
            "containerd",
            List.of(
                "unshare",
                "-m",
                "--propagation",
                "private",
                "bash",
                "-c",
                NAMESPACE,
                "real-node",
                dir.toString(),
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
      full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(containerd.pid()), "-m", "--"));
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
    client.close();
    try {
      lockFile.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
