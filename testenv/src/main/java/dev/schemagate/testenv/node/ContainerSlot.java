package dev.schemagate.testenv.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * One container of a pod on the local node: its current run, if any, and what the kubelet reports
 * about it (state, lastState, restartCount, ready). Used only under its {@link PodWorker}'s lock.
 */
final class ContainerSlot {
  /** A started run: its process, when it started, and where its output begins in the log. */
  record Run(ContainerProcess process, Instant startedAt, long logOffset) {}

  final Container spec;
  final HostPorts ports;
  Run run;

  /** The run's readiness probe, if the container has one. */
  ScheduledFuture<?> probe;

  /** The next try to start, while waiting (back-off, image or config error). */
  ScheduledFuture<?> retry;

  /** Failed image pulls since the container last started. */
  int attempts;

  private ContainerState state;
  private ContainerState lastState = new ContainerState();
  private int restartCount;

  /** Whether an instance ever existed (ran, or failed to start): the next start is a restart. */
  private boolean hadInstance;

  private boolean ready;
  private String containerId;

  ContainerSlot(Container spec) {
    this.spec = spec;
    this.ports = HostPorts.allocate(spec);
    this.state = waitingState("ContainerCreating", null);
  }

  void waiting(String reason, String message) {
    setState(waitingState(reason, message));
  }

  void started(Run run) {
    newInstance();
    this.run = run;
    containerId = "local://" + run.process().id;
    var running =
        new ContainerStateBuilder()
            .withNewRunning()
            .withStartedAt(LocalNode.time(run.startedAt()))
            .endRunning();
    setState(running.build());
    ready = spec.getReadinessProbe() == null;
  }

  /**
   * The process could not be started (the kubelet's StartError): an instance that ended at once.
   */
  void failedToStart(ContainerStateTerminated terminated) {
    newInstance();
    terminated(terminated);
  }

  void terminated(ContainerStateTerminated terminated) {
    run = null;
    ready = false;
    setState(new ContainerStateBuilder().withTerminated(terminated).build());
  }

  void ready(boolean ready) {
    this.ready = ready;
  }

  /** The kubelet marks containers that never ran in a pod that is done like this. */
  void neverRan() {
    if (!hadInstance) {
      hadInstance = true;
      terminated(
          new ContainerStateTerminatedBuilder()
              .withExitCode(137)
              .withReason("ContainerStatusUnknown")
              .withMessage("The container could not be located when the pod was terminated")
              .build());
    }
  }

  String containerId() {
    return containerId;
  }

  boolean running() {
    return run != null;
  }

  boolean isReady() {
    return ready;
  }

  /** The latest termination: the current state's, or lastState's while waiting to restart. */
  ContainerStateTerminated lastTermination() {
    if (state.getTerminated() != null) {
      return state.getTerminated();
    }
    return state.getWaiting() != null ? lastState.getTerminated() : null;
  }

  String waitingReason() {
    return state.getWaiting() == null ? null : state.getWaiting().getReason();
  }

  ContainerStatus status() {
    return new ContainerStatusBuilder()
        .withName(spec.getName())
        .withImage(spec.getImage())
        .withImageID("local://" + spec.getImage())
        .withContainerID(containerId)
        .withState(state)
        .withLastState(lastState)
        .withRestartCount(restartCount)
        .withReady(ready)
        .withStarted(run != null)
        .build();
  }

  int restartCount() {
    return restartCount;
  }

  private void newInstance() {
    if (hadInstance) {
      restartCount++;
    }
    hadInstance = true;
    attempts = 0;
  }

  /** A terminated state moves to lastState when the container moves on, as the kubelet shows it. */
  private void setState(ContainerState next) {
    if (state.getTerminated() != null) {
      lastState = state;
    }
    state = next;
  }

  private static ContainerState waitingState(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }
}
