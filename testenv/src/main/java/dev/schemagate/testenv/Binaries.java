package dev.schemagate.testenv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The control plane's binaries, built from Go modules by testenv/build-binaries.sh, which returns
 * at once when they are already in its cache. Calling it here keeps `mvn verify` self-sufficient.
 *
 * <p>{@code SCHEMAGATE_KUBERNETES=oldest} in the environment picks the oldest supported Kubernetes
 * (versions.env's KUBERNETES_OLDEST_VERSION) for the control plane and the kubelet: testenv/matrix
 * runs the tests that way.
 */
public final class Binaries {
  /** The value of SCHEMAGATE_KUBERNETES that picks the oldest supported version. */
  public static final String OLDEST = "oldest";

  private static Path dir;
  private static Path promtoolDir;
  private static Path kubeletDir;

  private Binaries() {}

  public static synchronized Path dir() {
    if (dir == null) {
      dir = runBuildScript("build-binaries.sh", versionArguments());
    }
    return dir;
  }

  public static Path of(String name) {
    return dir().resolve(name);
  }

  /**
   * promtool, built apart from the control plane (build-binaries.sh --promtool) on first use: only
   * the tests of the chart's alert rules need it.
   */
  public static synchronized Path promtool() {
    if (promtoolDir == null) {
      promtoolDir = runBuildScript("build-binaries.sh", "--promtool");
    }
    return promtoolDir.resolve("promtool");
  }

  /**
   * The kubelet and the pause binary (build-binaries.sh --kubelet), built on first use: only the
   * tests that run a real node need them. The directory holds {@code kubelet} and {@code pause}.
   */
  public static synchronized Path kubeletDir() {
    if (kubeletDir == null) {
      kubeletDir =
          runBuildScript(
              "build-binaries.sh",
              Stream.concat(Stream.of("--kubelet"), Stream.of(versionArguments()))
                  .toArray(String[]::new));
    }
    return kubeletDir;
  }

  /** build-binaries.sh's arguments for the Kubernetes version SCHEMAGATE_KUBERNETES asks for. */
  private static String[] versionArguments() {
    var wanted = Objects.requireNonNullElse(System.getenv("SCHEMAGATE_KUBERNETES"), "newest");
    return switch (wanted) {
      case "newest", "" -> new String[0];
      case OLDEST -> new String[] {"--oldest"};
      default ->
          throw new IllegalStateException(
              "SCHEMAGATE_KUBERNETES must be newest or oldest, not " + wanted);
    };
  }

  /**
   * Where built tools are kept across runs: $SCHEMAGATE_CACHE, else ~/.cache/schemagate (as
   * build-binaries.sh).
   */
  public static Path cacheDir() {
    var env = System.getenv("SCHEMAGATE_CACHE");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "schemagate");
  }

  /** The root of this checkout: the parent of {@link #testenvDir()}. */
  public static Path repoRoot() {
    return testenvDir().getParent();
  }

  /** testenv/ of this checkout, found from the working directory (the repo root or a module). */
  public static Path testenvDir() {
    for (var d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("testenv/build-binaries.sh"))) {
        return d.resolve("testenv");
      }
    }
    throw new IllegalStateException(
        "testenv/build-binaries.sh not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * Runs a build script of testenv/ (stderr to ours) with these arguments and returns the directory
   * it prints on its last stdout line. Such scripts return at once when their cache is complete.
   */
  public static Path runBuildScript(String name, String... args) {
    var script = testenvDir().resolve(name);
    var command = new ArrayList<String>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    try {
      var process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (process.waitFor() != 0) {
        throw new IllegalStateException(script + " failed with exit code " + process.exitValue());
      }
      var lines = out.split("\n");
      return Path.of(lines[lines.length - 1].strip());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
