package dev.schemagate.testenv.node;

import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs one pod bound to the local node, as the kubelet's pod worker does: starts its containers,
 * restarts them by the pod's restartPolicy with back-off, stops them when the pod is deleted, and
 * reports the pod's status through pods/status. Every event (informer, process exit, timer, probe)
 * enters through a synchronized method, so the pod changes one event at a time.
 */
final class PodWorker {
  /**
   * terminationGracePeriodSeconds is capped so that tests and the demo never wait half a minute.
   */
  static final Duration MAX_GRACE = Duration.ofSeconds(5);

  private final LocalNode.Services node;
  private final Path dir;
  private final List<ContainerSlot> containers;
  private final Instant startTime = Instant.now();
  private Pod pod;
  private Map<String, Path> volumes;

  /** Deletion has begun: nothing starts any more. */
  private boolean stopping;

  /** Every container has stopped after deletion began: the terminal status is out. */
  private boolean finished;

  /** The pod object is gone or the node is closing: no more API calls. */
  private boolean silent;

  private PodStatus reported;

  PodWorker(LocalNode.Services node, Pod pod, Path dir) {
    this.node = node;
    this.pod = pod;
    this.dir = dir;
    // Init containers are left out: nothing here uses them.
    this.containers = pod.getSpec().getContainers().stream().map(ContainerSlot::new).toList();
  }

  Path log(String container) {
    return dir.resolve(container + ".log");
  }

  int hostPort(int containerPort) {
    return containers.stream()
        .map(s -> s.ports.byNumber().get(containerPort))
        .filter(Objects::nonNull)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no containerPort " + containerPort + " in pod " + ref()));
  }

  synchronized void start() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    report();
    containers.forEach(this::tryStart);
  }

  /** A newer version of the pod from the informer. */
  synchronized void update(Pod pod) {
    this.pod = pod;
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      stop(grace(pod));
    }
  }

  /** The pod object is gone (deleted with grace 0, or its namespace): stop without reporting. */
  synchronized void deleted() {
    silent = true;
    stop(grace(pod));
  }

  /** The node is closing: stops every container; returns those still running. */
  synchronized List<ContainerProcess> shutdown() {
    silent = true;
    var running =
        containers.stream().filter(ContainerSlot::running).map(s -> s.run.process()).toList();
    stop(MAX_GRACE);
    return running;
  }

  private void tryStart(ContainerSlot slot) {
    slot.retry = null;
    if (stopping) {
      return;
    }
    var c = slot.spec;
    var image = node.images().find(c.getImage());
    if (image.isEmpty()) {
      // ErrImagePull on the first try, ImagePullBackOff after, as the kubelet shows it.
      var again = slot.waitingReason() != null && slot.waitingReason().endsWith("ImagePull");
      retryLater(
          slot,
          again ? "ImagePullBackOff" : "ErrImagePull",
          "image \""
              + c.getImage()
              + "\" is not in the local node's image map: add it to the file named by "
              + ImageMap.USER_FILE_ENV
              + " (format: testenv/images.yaml)",
          node.backOff().delay(++slot.attempts));
      return;
    }
    try {
      if (volumes == null) {
        volumes = node.config().volumes(pod, dir);
      }
    } catch (PodConfig.ConfigException e) {
      retryLater(slot, "ContainerCreating", e.getMessage(), node.backOff().base());
      return;
    }
    Map<String, String> env;
    try {
      env = node.config().env(pod, c);
    } catch (PodConfig.ConfigException e) {
      retryLater(slot, "CreateContainerConfigError", e.getMessage(), node.backOff().base());
      return;
    }
    var terminationLog = dir.resolve(c.getName() + ".termination-log");
    var now = Instant.now();
    try {
      // A fresh termination log for each run, as the kubelet mounts a new file for each container.
      Files.write(terminationLog, new byte[0]);
      var launch =
          ContainerLaunch.of(c, image.get(), env, slot.ports, volumes, dir, terminationLog);
      var offset = Files.exists(log(c.getName())) ? Files.size(log(c.getName())) : 0;
      var process =
          node.processes()
              .start(pod.getMetadata().getName() + "/" + c.getName(), log(c.getName()), launch);
      var run = new ContainerSlot.Run(process, now, offset);
      slot.started(run);
      node.starts().accept(pod.getMetadata().getNamespace(), c.getName());
      if (c.getReadinessProbe() != null) {
        slot.probe =
            node.probes()
                .watch(
                    c.getReadinessProbe(),
                    launch,
                    slot.ports,
                    ready -> readiness(slot, run, ready));
      }
      report();
      // Attached last: a process that has already exited completes this at once, on this thread.
      process
          .exit
          .thenAccept(code -> exited(slot, run, code))
          .exceptionally(
              e -> {
                LocalNode.LOG.log(
                    System.Logger.Level.ERROR,
                    "pod " + ref() + ": cannot handle the exit of " + c.getName(),
                    e);
                return null;
              });
    } catch (ContainerLaunch.StartException | IOException e) {
      slot.failedToStart(
          new ContainerStateTerminatedBuilder()
              .withExitCode(128)
              .withReason("StartError")
              .withMessage(e.getMessage())
              .withStartedAt(LocalNode.time(now))
              .withFinishedAt(LocalNode.time(now))
              .build());
      afterStop(slot);
    }
  }

  private synchronized void exited(ContainerSlot slot, ContainerSlot.Run run, int code) {
    if (slot.run != run) {
      return;
    }
    var c = slot.spec;
    var message =
        TerminationMessage.of(
            dir.resolve(c.getName() + ".termination-log"),
            log(c.getName()),
            run.logOffset(),
            c.getTerminationMessagePolicy(),
            code);
    slot.terminated(
        new ContainerStateTerminatedBuilder()
            .withExitCode(code)
            .withReason(code == 0 ? "Completed" : "Error")
            .withMessage(message.isEmpty() ? null : message)
            .withStartedAt(LocalNode.time(run.startedAt()))
            .withFinishedAt(LocalNode.time(Instant.now()))
            .withContainerID(slot.containerId())
            .build());
    afterStop(slot);
  }

  /**
   * A run ended (or never began): restart it by the pod's restartPolicy, or finish the deletion.
   */
  private void afterStop(ContainerSlot slot) {
    if (slot.probe != null) {
      slot.probe.cancel(false);
      slot.probe = null;
    }
    var policy = pod.getSpec().getRestartPolicy();
    boolean restart =
        "Always".equals(policy)
            || ("OnFailure".equals(policy) && slot.lastTermination().getExitCode() != 0);
    if (stopping || !restart) {
      finishIfStopped();
      report();
      return;
    }
    var delay = node.backOff().delay(slot.restartCount());
    if (delay.isZero()) {
      tryStart(slot);
      return;
    }
    slot.waiting(
        "CrashLoopBackOff",
        "back-off "
            + BackOff.format(delay)
            + " restarting failed container="
            + slot.spec.getName()
            + " pod="
            + ref());
    schedule(slot, delay);
    report();
  }

  /**
   * Waits, then tries again. Image pulls back off exponentially, as the kubelet's do; config errors
   * are retried every back-off base, as the kubelet's pod worker resyncs a failed pod every 10 s.
   */
  private void retryLater(ContainerSlot slot, String reason, String message, Duration delay) {
    slot.waiting(reason, message);
    schedule(slot, delay);
    report();
  }

  private void schedule(ContainerSlot slot, Duration delay) {
    slot.retry =
        node.timers().schedule(() -> retryDue(slot), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void retryDue(ContainerSlot slot) {
    if (!slot.running()) {
      tryStart(slot);
    }
  }

  private synchronized void readiness(ContainerSlot slot, ContainerSlot.Run run, boolean ready) {
    if (slot.run == run) {
      slot.ready(ready);
      report();
    }
  }

  /** Stops every container: SIGTERM, SIGKILL after {@code grace}; pending restarts are dropped. */
  private void stop(Duration grace) {
    if (stopping) {
      return;
    }
    stopping = true;
    for (var slot : containers) {
      if (slot.retry != null) {
        slot.retry.cancel(false);
      }
      if (slot.running()) {
        slot.run.process().stop(grace, node.timers());
      }
    }
    finishIfStopped();
  }

  /**
   * Once a deleted pod's containers have all stopped: its terminal status, then the object goes.
   */
  private void finishIfStopped() {
    if (!stopping || finished || containers.stream().anyMatch(ContainerSlot::running)) {
      return;
    }
    finished = true;
    containers.forEach(ContainerSlot::neverRan);
    report();
    if (!silent) {
      deleteNow(node.client(), pod);
    }
  }

  /**
   * As the kubelet does: the API server keeps a gracefully deleted pod until its node says it is
   * gone.
   */
  static void deleteNow(KubernetesClient client, Pod pod) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      LocalNode.LOG.log(
          System.Logger.Level.WARNING,
          "cannot delete pod " + pod.getMetadata().getName() + ": " + e.getMessage());
    }
  }

  private void report() {
    if (silent) {
      return;
    }
    var status = PodStatuses.of(pod, containers, startTime, finished, reported);
    if (status.equals(reported)) {
      return;
    }
    try {
      var patch = node.client().getKubernetesSerialization().asJson(Map.of("status", status));
      node.client()
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      reported = status;
    } catch (KubernetesClientException e) {
      // 404: deleted meanwhile; the informer's delete event follows.
      if (e.getCode() != 404) {
        LocalNode.LOG.log(
            System.Logger.Level.WARNING,
            "cannot report the status of pod " + ref() + ": " + e.getMessage());
      }
    }
  }

  /** The kubelet's way of naming a pod in messages. */
  private String ref() {
    var meta = pod.getMetadata();
    return meta.getName() + "_" + meta.getNamespace() + "(" + meta.getUid() + ")";
  }

  private static Duration grace(Pod pod) {
    Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (seconds == null) {
      seconds = pod.getSpec().getTerminationGracePeriodSeconds();
    }
    var grace = Duration.ofSeconds(seconds == null ? 30 : seconds);
    return grace.compareTo(MAX_GRACE) > 0 ? MAX_GRACE : grace;
  }
}
