package dev.schemagate.testenv.node;

import dev.schemagate.testenv.Binaries;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * A kubelet stand-in for the local control plane: registers a Node that kube-scheduler binds pods
 * to (Ready, Lease renewed every 10 s), and runs the pods bound to it (spec.nodeName) as local
 * processes, reporting through pods/status what a kubelet would: phases, restarts, exit codes,
 * termination messages, readiness. It never binds a pod itself: a pod with scheduling gates stays
 * Pending, unbound, until they are removed. On {@link #close()} the Node is marked as the node
 * lifecycle controller marks a stopped kubelet's, so no more pods are bound to it.
 *
 * <p>Images map to local commands (testenv/images.yaml, which documents the format, plus
 * $SCHEMAGATE_IMAGES and {@link Builder#image}). All pods share 127.0.0.1: each declared
 * containerPort gets a free host port, given to the process as $PORT (first) and $PORT_NAME, and
 * used for its probes ({@link #hostPort}). Volumes are directories under the pod's directory, and
 * values naming a mountPath are rewritten to them. Each container's output goes to {@link #log};
 * `kubectl logs` is not supported (there is no kubelet API).
 *
 * <p>Driven by a pod informer; timers serve only probes, back-off, grace periods and the Lease.
 * Process exits arrive through an inotify watch ({@link ContainerProcesses}).
 *
 * <p>Left out, as nothing here needs them: init and ephemeral containers, liveness and startup
 * probes, HTTPS and gRPC probes, resources and security contexts (processes run as this user),
 * volume types other than configMap, secret, emptyDir and hostPath, and updates of a running pod's
 * ConfigMap or Secret volumes.
 */
public final class LocalNode implements AutoCloseable {
  static final String IP = "127.0.0.1";
  static final System.Logger LOG = System.getLogger(LocalNode.class.getName());
  private static final Duration LEASE_RENEWAL = Duration.ofSeconds(10);

  /** What a {@link PodWorker} uses of its node. */
  record Services(
      KubernetesClient client,
      ImageMap images,
      PodConfig config,
      ContainerProcesses processes,
      Probes probes,
      ScheduledExecutorService timers,
      BackOff backOff,
      BiConsumer<String, String> starts) {}

  private final String name;
  private final KubernetesClient client;
  private final Path dir;
  private final Services services;
  private final ScheduledExecutorService timers;
  private final ContainerProcesses processes;
  private final NodeRegistration registration;
  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();

  /** Pods being run, by uid. */
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();

  /** The latest worker of each namespace/name, kept after deletion for its logs. */
  private final Map<String, PodWorker> byName = new ConcurrentHashMap<>();

  /** Process starts by namespace and container name. */
  private final Map<String, Map<String, LongAdder>> starts = new ConcurrentHashMap<>();

  private LocalNode(Builder b) throws IOException {
    this.name = b.name;
    this.client = b.client;
    // Absolute: processes run in their pod's directory and are handed paths under this one.
    var dir = b.dir != null ? b.dir : Files.createTempDirectory("schemagate-node-");
    this.dir = Files.createDirectories(dir).toAbsolutePath();
    var threads = new AtomicInteger();
    this.timers =
        Executors.newScheduledThreadPool(
            4,
            r -> {
              var t = new Thread(r, "local-node-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.processes = new ContainerProcesses(dir.resolve("runs"));
    this.registration = new NodeRegistration(client, name);
    var images =
        ImageMap.load(Binaries.testenvDir().resolve("images.yaml"), ImageMap.userFile(), b.images);
    this.services =
        new Services(
            client,
            images,
            new PodConfig(client),
            processes,
            new Probes(timers),
            timers,
            new BackOff(b.backOffBase, BackOff.KUBELET_CAP),
            this::countStart);
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  public String name() {
    return name;
  }

  /** The stdout and stderr of a container, all its runs appended; kept after the pod is deleted. */
  public Path log(String namespace, String pod, String container) {
    return worker(namespace, pod).log(container);
  }

  /** The host port that stands for a containerPort of the pod (see the class comment). */
  public int hostPort(String namespace, String pod, int containerPort) {
    return worker(namespace, pod).hostPort(containerPort);
  }

  /**
   * How many times containers of this name started in the namespace, e.g. the app's container (its
   * migration Job may run the same image under another container name).
   */
  public long starts(String namespace, String container) {
    var count = starts.getOrDefault(namespace, Map.of()).get(container);
    return count == null ? 0 : count.sum();
  }

  private PodWorker worker(String namespace, String pod) {
    var worker = byName.get(namespace + "/" + pod);
    if (worker == null) {
      throw new IllegalArgumentException(
          "pod " + namespace + "/" + pod + " never ran on node " + name);
    }
    return worker;
  }

  private void countStart(String namespace, String container) {
    starts
        .computeIfAbsent(namespace, n -> new ConcurrentHashMap<>())
        .computeIfAbsent(container, c -> new LongAdder())
        .increment();
  }

  private LocalNode start(List<String> namespaces) {
    registration.register();
    timers.scheduleWithFixedDelay(
        () -> {
          try {
            registration.renewLease();
          } catch (KubernetesClientException e) {
            LOG.log(
                System.Logger.Level.WARNING,
                "cannot renew the Lease of node " + name + ": " + e.getMessage());
          }
        },
        LEASE_RENEWAL.toMillis(),
        LEASE_RENEWAL.toMillis(),
        TimeUnit.MILLISECONDS);
    var handler =
        new ResourceEventHandler<Pod>() {
          @Override
          public void onAdd(Pod pod) {
            sync(pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            sync(pod);
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            var worker = workers.remove(pod.getMetadata().getUid());
            if (worker != null) {
              worker.deleted();
            }
          }
        };
    // As a kubelet watches: only the pods bound to this node.
    if (namespaces.isEmpty()) {
      informers.add(
          client.pods().inAnyNamespace().withField("spec.nodeName", name).inform(handler, 0));
    } else {
      namespaces.forEach(
          ns ->
              informers.add(
                  client
                      .pods()
                      .inNamespace(ns)
                      .withField("spec.nodeName", name)
                      .inform(handler, 0)));
    }
    return this;
  }

  /** The kubelet's part (run, stop) for one pod event. */
  private void sync(Pod pod) {
    var meta = pod.getMetadata();
    if (!name.equals(pod.getSpec().getNodeName())) {
      return;
    }
    var worker = workers.get(meta.getUid());
    if (worker != null) {
      worker.update(pod);
      return;
    }
    var phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      // Finished before this node started: a kubelet does not run it again either.
      if (meta.getDeletionTimestamp() != null) {
        PodWorker.deleteNow(client, pod);
      }
      return;
    }
    var podDir =
        dir.resolve("pods")
            .resolve(meta.getNamespace())
            .resolve(meta.getName() + "-" + meta.getUid().substring(0, 8));
    worker = new PodWorker(services, pod, podDir);
    workers.put(meta.getUid(), worker);
    byName.put(meta.getNamespace() + "/" + meta.getName(), worker);
    worker.update(pod); // a pod already being deleted stops here and never starts
    worker.start();
  }

  /**
   * Stops every process (SIGTERM, SIGKILL after a few seconds) and the node's watches and timers.
   * The Node object stays, as a stopped kubelet's does, Ready=Unknown and tainted
   * node.kubernetes.io/unreachable:NoSchedule; its pods are left as they were reported.
   */
  @Override
  public void close() {
    try {
      registration.stopped();
    } catch (KubernetesClientException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot mark node " + name + " as stopped: " + e.getMessage());
    }
    informers.forEach(SharedIndexInformer::close);
    var running = new ArrayList<ContainerProcess>();
    workers.values().forEach(w -> running.addAll(w.shutdown()));
    try {
      CompletableFuture.allOf(running.stream().map(p -> p.exit).toArray(CompletableFuture[]::new))
          .get(PodWorker.MAX_GRACE.toSeconds() + 2, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "processes of node " + name + " outlived their grace period: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.stream().filter(p -> !p.exit.isDone()).forEach(ContainerProcess::release);
    timers.shutdownNow();
    try {
      processes.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String time(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  public static final class Builder {
    private final KubernetesClient client;
    private final Map<String, ImageMap.Image> images = new HashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private String name = "schemagate-local";
    private Path dir;
    private Duration backOffBase = BackOff.KUBELET_BASE;

    private Builder(KubernetesClient client) {
      this.client = client;
    }

    /** The Node's name (default schemagate-local); distinct nodes may share a control plane. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Only these namespaces' pods (default: all). The scheduler may still bind other namespaces'
     * pods to this Node; they stay Pending, as on a node whose kubelet does not run them. Pods of
     * these namespaces land here only when no other schedulable Node is there to take them.
     */
    public Builder namespaces(String... namespaces) {
      this.namespaces.addAll(List.of(namespaces));
      return this;
    }

    /** Where pods' logs, volumes and run files go (default: a new temporary directory). */
    public Builder dir(Path dir) {
      this.dir = dir;
      return this;
    }

    /** An image map entry that wins over the files' (see testenv/images.yaml). */
    public Builder image(String image, ImageMap.Image entry) {
      images.put(image, entry);
      return this;
    }

    /** The first restart back-off (the kubelet's 10 s); it doubles up to 5 minutes. */
    public Builder backOff(Duration base) {
      this.backOffBase = base;
      return this;
    }

    /** Registers the Node and starts running pods. */
    public LocalNode start() {
      LocalNode node;
      try {
        node = new LocalNode(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        return node.start(List.copyOf(namespaces));
      } catch (RuntimeException e) {
        node.close();
        throw e;
      }
    }
  }
}
