package dev.schemagate.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * golang-migrate's CLI with its postgres driver, built from the Go module pinned in
 * testenv/go/migrate and cached by version beside the control plane's binaries, so that a fresh
 * machine with Go builds it on first use as build-binaries.sh builds the others.
 */
public final class GolangMigrate {
  static final String MODULE = "github.com/golang-migrate/migrate/v4";
  private static Path binary;

  private GolangMigrate() {}

  /** The `migrate` binary; built on first use. */
  public static synchronized Path binary() {
    if (binary == null) {
      binary = build(Binaries.testenvDir().resolve("go/migrate"));
    }
    return binary;
  }

  private static Path build(Path module) {
    try {
      var version = requiredVersion(Files.readString(module.resolve("go.mod")));
      var cache = Files.createDirectories(Binaries.cacheDir().resolve("golang-migrate"));
      var arch =
          System.getProperty("os.arch").replace("x86_64", "amd64").replace("aarch64", "arm64");
      var out =
          cache.resolve(
              version
                  + "-"
                  + System.getProperty("os.name").toLowerCase(Locale.ROOT)
                  + "-"
                  + arch
                  + "/migrate");
      try (var lock =
          FileChannel.open(
              cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        lock.lock(); // released when the channel closes
        if (!Files.isExecutable(out)) {
          Files.createDirectories(out.getParent());
          var partial = out.resolveSibling("migrate.partial");
          run(
              module,
              List.of(
                  "go",
                  "build",
                  "-tags",
                  "postgres",
                  "-ldflags",
                  "-s -w -X main.Version=" + version,
                  "-o",
                  partial.toString(),
                  MODULE + "/cmd/migrate"));
          // Moved in place whole, so that a killed build never leaves a binary that looks built.
          Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String requiredVersion(String goMod) {
    var m = Pattern.compile("(?m)^require " + Pattern.quote(MODULE) + " (v\\S+)").matcher(goMod);
    if (!m.find()) {
      throw new IllegalStateException("testenv/go/migrate/go.mod does not require " + MODULE);
    }
    return m.group(1);
  }

  private static void run(Path dir, List<String> command) throws IOException {
    var builder = new ProcessBuilder(command).directory(dir.toFile()).inheritIO();
    var env = builder.environment();
    env.put("GOTOOLCHAIN", "local");
    env.put("GOWORK", "off");
    env.put("CGO_ENABLED", "0");
    env.put("GOFLAGS", "-mod=readonly -buildvcs=false -trimpath -p=2");
    try {
      var process = builder.start();
      if (process.waitFor() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " in "
                + dir
                + " failed with exit code "
                + process.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
