package dev.schemagate.job;

import dev.schemagate.api.Locks;
import dev.schemagate.runlog.LockWaitLine;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a running runner says about the lock it waits for. The runner cannot write the
 * SchemaMigration's status (its pod has no ServiceAccount token), so it prints a line per wait and
 * the operator reads its pod's log tail: only once the pod has run longer than its start-up and
 * lock timeout (no wait can end sooner, so a migration that ends sooner costs no request), then
 * every {@link #INTERVAL}. Pure but for the log reader it is given.
 */
public final class LockWatch {
  public static final Duration INTERVAL = Duration.ofSeconds(10);

  /** The runner's lock timeout in its pod's environment, as MigrationJob sets it. */
  public static final String LOCK_TIMEOUT = "LOCK_TIMEOUT";

  /**
   * The runner's JVM start, first connection and first scripts, before a lock wait can begin: with
   * less, a quick migration on a busy node would cost a log read (FlywaySeedStoryIT, on two cores
   * shared with other builds, took about 8 s from apply to the Job's completion). A wait worth
   * reporting is longer.
   */
  static final Duration RUNNER_START = Duration.ofSeconds(10);

  /**
   * Enough for the last wait line among Flyway's warnings; a line is at most a few hundred bytes.
   */
  public static final int TAIL_LINES = 20;

  public static final int LIMIT_BYTES = 16 * 1024;

  private LockWatch() {}

  /**
   * {@code run} as it is, or, while it runs the built-in runner, Running with the runner's latest
   * wait line as its note and when to look again.
   *
   * @param pods the SchemaMigration's migration pods
   * @param logTail reads a pod's log tail; empty when it cannot
   */
  public static MigrationRun watch(
      MigrationRun run, List<Pod> pods, Instant now, Function<String, Optional<String>> logTail) {
    if (!(run.outcome() instanceof JobOutcome.Running running)) {
      return run;
    }
    var watched =
        pods.stream()
            .filter(p -> Objects.equals(run.revision(), label(p, MigrationJob.REVISION_LABEL)))
            .flatMap(p -> due(p).stream().map(from -> Map.entry(p.getMetadata().getName(), from)))
            .findFirst();
    if (watched.isEmpty()) {
      return run;
    }
    Instant from = watched.get().getValue();
    if (now.isBefore(from)) {
      return run.withOutcome(
          running.with(running.note(), Optional.of(Duration.between(now, from))));
    }
    var waiting =
        logTail
            .apply(watched.get().getKey())
            .flatMap(LockWaitLine::latest)
            .map(line -> "waiting for a lock: " + line);
    return run.withOutcome(running.with(waiting.or(running::note), Optional.of(INTERVAL)));
  }

  /**
   * From when a runner pod's log may hold a wait line: its container's start, the runner's start-up
   * and its lock timeout. Empty for a pod that does not run the runner (no LOCK_TIMEOUT: a command
   * Job's tool prints no such line) or does not run now.
   */
  static Optional<Instant> due(Pod pod) {
    if (pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase())
        || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    var timeout =
        pod.getSpec().getContainers().stream()
            .map(Container::getEnv)
            .filter(Objects::nonNull)
            .flatMap(List::stream)
            .filter(e -> LOCK_TIMEOUT.equals(e.getName()) && e.getValue() != null)
            .map(EnvVar::getValue)
            .findFirst()
            .flatMap(LockWatch::duration);
    var started =
        pod.getStatus().getContainerStatuses().stream()
            .map(ContainerStatus::getState)
            .filter(
                s -> s != null && s.getRunning() != null && s.getRunning().getStartedAt() != null)
            .map(s -> Instant.parse(s.getRunning().getStartedAt()))
            .findFirst();
    return timeout.flatMap(t -> started.map(s -> s.plus(RUNNER_START).plus(t)));
  }

  private static Optional<Duration> duration(String text) {
    try {
      return Optional.of(Locks.parseDuration(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String label(Pod pod, String key) {
    var labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
