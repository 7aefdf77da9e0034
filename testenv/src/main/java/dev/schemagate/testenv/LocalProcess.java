package dev.schemagate.testenv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running child process whose output goes to a log file, and which dies with this JVM even
 * when the JVM is killed outright, which skips shutdown hooks: a shell watchdog beside it ends it
 * once our pid is gone. The child itself is a direct child, so its pid and exit code are its own.
 *
 * <p>Both run in a session of their own ({@code setsid}, which execs in place): Ctrl-C in a
 * terminal signals the whole foreground process group, and etcd stopping at once left {@code
 * ./demo}'s shutdown waiting for ever on an API server that could no longer answer, before it had
 * stopped the node and the operator. Now only this JVM gets the signal and stops its children in
 * order with {@link #close()}; the watchdog still ends them if this JVM is killed.
 */
public final class LocalProcess implements AutoCloseable {
  /**
   * $1: the guardian's pid (ours), $2: the child's. Ends when either is gone; if it was ours, TERM
   * to the child, and KILL if it lingers 5 s.
   */
  private static final String WATCHDOG =
      """
      while kill -0 $1 2>/dev/null && kill -0 $2 2>/dev/null; do sleep 0.5; done
      kill -0 $2 2>/dev/null || exit 0
      kill $2 2>/dev/null
      for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 $2 2>/dev/null || exit 0; sleep 0.5; done
      kill -9 $2 2>/dev/null
      """;

  /** util-linux's; {@code testenv/prerequisites.sh} checks that it is there. */
  private static final String SETSID = "setsid";

  private final String name;
  private final Process process;
  private final Process watchdog;
  private final Path log;

  private LocalProcess(String name, Process process, Process watchdog, Path log) {
    this.name = name;
    this.process = process;
    this.watchdog = watchdog;
    this.log = log;
  }

  public static LocalProcess start(String name, Path log, List<String> command) throws IOException {
    return start(name, log, new ProcessBuilder(command));
  }

  /** Starts {@code builder}'s command with its environment and directory; output to {@code log}. */
  public static LocalProcess start(String name, Path log, ProcessBuilder builder)
      throws IOException {
    return start(name, log, builder, ProcessHandle.current().pid());
  }

  /** Ends the child once {@code guardian} is gone: this JVM, or in a test another process. */
  static LocalProcess start(String name, Path log, ProcessBuilder builder, long guardian)
      throws IOException {
    var command = new ArrayList<String>(List.of(SETSID));
    command.addAll(builder.command());
    var process =
        builder
            .command(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      var watchdog =
          new ProcessBuilder(
                  SETSID,
                  "bash",
                  "-c",
                  WATCHDOG,
                  "watchdog " + name,
                  Long.toString(guardian),
                  Long.toString(process.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return new LocalProcess(name, process, watchdog, log);
    } catch (IOException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public String name() {
    return name;
  }

  /** The child itself, for its exit code or a signal to it alone. */
  Process process() {
    return process;
  }

  /**
   * TERM to the process and to what it started (a shell's children would outlive it), KILL to what
   * is left after 10 s; then the watchdog, which has nothing left to guard.
   */
  @Override
  public void close() {
    // Taken first: once the process is gone its children are no longer its descendants.
    var tree = process.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watchdog.destroy();
  }
}
