package dev.schemagate.testenv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running child process whose output goes to a log file, and which dies with this JVM even
 * when the JVM is killed outright: a shell watchdog ends it once our pid is gone.
 */
public final class LocalProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private LocalProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static LocalProcess start(String name, Path log, List<String> command) throws IOException {
    var jvm = ProcessHandle.current().pid();
    var watched = new ArrayList<String>();
    watched.add("bash");
    watched.add("-c");
    // exec keeps the child's pid for the watchdog; TERM on our exit, KILL if it lingers.
    watched.add(
        "\"$@\" & child=$!; trap 'kill $child 2>/dev/null' TERM INT; "
            + "while kill -0 "
            + jvm
            + " 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done; kill $child"
            + " 2>/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 $child 2>/dev/null || exit"
            + " 0; sleep 0.5; done; kill -9 $child 2>/dev/null");
    watched.add(name);
    watched.addAll(command);
    var process =
        new ProcessBuilder(watched)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new LocalProcess(name, process, log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    // Terminating the watchdog makes it TERM the child (its trap), and the child's children with
    // it.
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
