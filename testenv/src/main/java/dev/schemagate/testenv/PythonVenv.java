package dev.schemagate.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Python virtualenvs of migration tools, built from PyPI by pinned requirements and cached by their
 * hash, like the control plane's binaries: the basketball-api example's Alembic, and the tools
 * FailureCauseIT runs.
 */
public final class PythonVenv {
  private static final Map<Path, Path> venvs = new HashMap<>();

  private PythonVenv() {}

  /**
   * The Alembic project of the example: alembic.ini (1.8.1) and alembic-1.8.0.ini (the broken 008).
   */
  public static Path alembicProject() {
    return Binaries.repoRoot().resolve("examples/basketball-api/alembic");
  }

  /** The virtualenv's bin directory, holding `alembic`; built on first use. */
  public static Path bin() {
    return bin(alembicProject().resolve("requirements.txt"));
  }

  /** The bin directory of a virtualenv of these pinned requirements; built on first use. */
  public static synchronized Path bin(Path requirements) {
    return venvs
        .computeIfAbsent(requirements.toAbsolutePath().normalize(), PythonVenv::build)
        .resolve("bin");
  }

  private static Path build(Path requirements) {
    try {
      var hash =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(requirements)));
      var cache = Files.createDirectories(Binaries.cacheDir().resolve("venv"));
      var dir = cache.resolve(hash.substring(0, 12));
      var complete = dir.resolve(".complete");
      // A venv is not relocatable (its scripts name its path), so it is built in place, under a
      // lock, and only a marker written last says it is whole.
      try (var lock =
          FileChannel.open(
              cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        lock.lock(); // released when the channel closes
        if (!Files.exists(complete)) {
          if (Files.exists(dir)) {
            run(List.of("rm", "-rf", dir.toString()));
          }
          run(List.of("python3", "-m", "venv", dir.toString()));
          run(
              List.of(
                  dir.resolve("bin/pip").toString(),
                  "install",
                  "--quiet",
                  "--disable-pip-version-check",
                  "--no-deps",
                  "-r",
                  requirements.toString()));
          Files.writeString(complete, requirements + "\n");
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(List<String> command) throws IOException {
    try {
      var process = new ProcessBuilder(command).inheritIO().start();
      if (process.waitFor() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed with exit code " + process.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
