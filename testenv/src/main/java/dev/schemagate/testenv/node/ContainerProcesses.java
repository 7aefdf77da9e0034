package dev.schemagate.testenv.node;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import dev.schemagate.testenv.LocalProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts container processes and reports their exits. Each runs as a {@link LocalProcess} (so it
 * dies with this JVM) under a small bash wrapper, because a LocalProcess tells neither the exit
 * code nor the moment of exit: the wrapper writes the process id and later the exit code into files
 * of a runs directory, which one inotify watch (a WatchService) turns into completed futures.
 */
final class ContainerProcesses implements AutoCloseable {
  /**
   * $1: the run's path prefix, $2: working directory, then the command. The environment comes from
   * $1.env (NUL-separated NAME=value, so values may hold anything and stay off the command line).
   * setsid gives the process its own group, which a TERM to the wrapper (from the LocalProcess
   * watchdog, when the JVM dies) is forwarded to.
   */
  private static final String WRAPPER =
      """
      run=$1 dir=$2; shift 2
      (
        while IFS= read -r -d '' kv; do export "$kv"; done < "$run.env"
        cd "$dir" && exec setsid "$@"
      ) & pid=$!
      trap 'kill -TERM -- -$pid 2>/dev/null' TERM
      printf '%s' $pid > "$run.pid.tmp" && mv -f "$run.pid.tmp" "$run.pid"
      while kill -0 $pid 2>/dev/null; do wait $pid 2>/dev/null; done
      wait $pid 2>/dev/null; code=$?
      printf '%s' $code > "$run.exit.tmp" && mv -f "$run.exit.tmp" "$run.exit"
      """;

  private final Path dir;
  private final WatchService watch;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, ContainerProcess> running = new ConcurrentHashMap<>();

  ContainerProcesses(Path dir) throws IOException {
    // Fresh for every node: run ids restart at 0, and an old run's exit file must not answer for a
    // new one.
    this.dir = Files.createTempDirectory(Files.createDirectories(dir), "runs-");
    this.watch = this.dir.getFileSystem().newWatchService();
    this.dir.register(watch, ENTRY_CREATE);
    var watcher = new Thread(this::watch, "local-node-exits");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Starts {@code launch}; its output is appended to {@code log}. */
  ContainerProcess start(String name, Path log, ContainerLaunch launch) throws IOException {
    long id = ids.incrementAndGet();
    var run = dir.resolve(Long.toString(id));
    var env = new StringBuilder();
    launch.env.forEach((k, v) -> env.append(k).append('=').append(v).append('\0'));
    Files.writeString(run.resolveSibling(id + ".env"), env, StandardCharsets.UTF_8);
    var command =
        new ArrayList<>(
            List.of("bash", "-c", WRAPPER, name, run.toString(), launch.workingDir.toString()));
    command.addAll(launch.argv);
    var process = new ContainerProcess(id);
    running.put(id, process);
    try {
      process.attach(LocalProcess.start(name, log, command));
    } catch (IOException e) {
      running.remove(id);
      throw e;
    }
    return process;
  }

  private void watch() {
    try {
      while (true) {
        var key = watch.take();
        for (var event : key.pollEvents()) {
          if (event.kind() == OVERFLOW) {
            running.keySet().forEach(this::collect);
          } else {
            var file = event.context().toString();
            if (file.endsWith(".pid") || file.endsWith(".exit")) {
              collect(Long.parseLong(file.substring(0, file.indexOf('.'))));
            }
          }
        }
        key.reset();
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // close()
    }
  }

  /** Completes what the wrapper has written for run {@code id} so far. */
  private void collect(long id) {
    var process = running.get(id);
    if (process == null) {
      return;
    }
    read(id + ".pid").ifPresent(pid -> process.pid.complete(pid));
    read(id + ".exit")
        .ifPresent(
            code -> {
              running.remove(id);
              process.exit.complete(code.intValue());
            });
  }

  /** The number the wrapper wrote (with mv, so whole), if it has. */
  private Optional<Long> read(String file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(dir.resolve(file)).strip()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      // Never expected; logged rather than thrown, which would end the watch for every container.
      LocalNode.LOG.log(System.Logger.Level.ERROR, "cannot read " + dir.resolve(file), e);
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    watch.close();
  }
}
