package dev.schemagate.testenv.node;

import dev.schemagate.testenv.LocalProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run of a container's command, started by {@link ContainerProcesses}, which completes its
 * futures.
 */
final class ContainerProcess {
  final long id;

  /** The container process's id (not the wrapper's), once the wrapper has written it. */
  final CompletableFuture<Long> pid = new CompletableFuture<>();

  /** The exit code; 128 + n when signal n ended it, as container runtimes report. */
  final CompletableFuture<Integer> exit = new CompletableFuture<>();

  private volatile LocalProcess process;

  ContainerProcess(long id) {
    this.id = id;
  }

  void attach(LocalProcess process) {
    this.process = process;
  }

  /**
   * SIGTERM now, SIGKILL once {@code grace} has passed, to the process and its descendants: unlike
   * in a container, a shell's children would otherwise survive it.
   */
  void stop(Duration grace, ScheduledExecutorService timers) {
    pid.thenAccept(p -> signal(p, false));
    timers.schedule(
        () -> {
          if (!exit.isDone()) {
            pid.thenAccept(p -> signal(p, true));
          }
        },
        grace.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Ends the LocalProcess watchdog and what is left under it. Only for a process that outlived its
   * SIGKILL: otherwise the watchdog ends by itself within half a second of the container (and the
   * JVM reaps it), whereas stopping it early makes bash log "Terminated" in the container's log.
   */
  void release() {
    var p = process;
    if (p != null) {
      p.close();
    }
  }

  private static void signal(long pid, boolean kill) {
    ProcessHandle.of(pid)
        .ifPresent(
            h -> {
              h.descendants().forEach(d -> send(d, kill));
              send(h, kill);
            });
  }

  private static void send(ProcessHandle h, boolean kill) {
    if (kill) {
      h.destroyForcibly();
    } else {
      h.destroy();
    }
  }
}
