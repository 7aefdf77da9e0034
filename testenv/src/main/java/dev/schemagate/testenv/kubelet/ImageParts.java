package dev.schemagate.testenv.kubelet;

import dev.schemagate.testenv.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The large parts of the images, each a directory in the image cache made once per inputs: a Debian
 * root from Debian's packages (debootstrap), and a Java runtime linked from this machine's JDK.
 */
final class ImageParts {
  /** Bump when what a part holds changes without its inputs changing. */
  private static final String FORMAT = "parts-1";

  private ImageParts() {}

  /**
   * A Debian root of the machine's release ({@code debootstrap --variant=minbase}) with {@code
   * packages} and their dependencies, from the machine's own Debian mirror, and {@code users} added
   * to /etc/passwd and /etc/group ("name:uid", the group of the same number). APT's caches and
   * lists are left out.
   */
  static Path debian(Path cache, List<String> packages, List<String> users) {
    var suite = osRelease("VERSION_CODENAME");
    var key = key(FORMAT, "debian", suite, String.join(",", packages), String.join(",", users));
    return made(
        cache.resolve("debian-" + key.substring(0, 16)),
        dir -> {
          var mirror = debianMirror();
          run(
              List.of(
                  "debootstrap",
                  "--variant=minbase",
                  "--include=" + String.join(",", packages),
                  suite,
                  dir.toString(),
                  mirror),
              Duration.ofMinutes(20));
          for (var clutter :
              List.of(
                  "var/cache/apt/archives", "var/lib/apt/lists", "var/log", "var/cache/ldconfig")) {
            run(List.of("find", dir.resolve(clutter).toString(), "-type", "f", "-delete"), null);
          }
          var passwd = new StringBuilder();
          var group = new StringBuilder();
          for (var user : users) {
            var parts = user.split(":");
            passwd.append(
                "%s:x:%s:%s:%s:/nonexistent:/usr/sbin/nologin\n"
                    .formatted(parts[0], parts[1], parts[1], parts[0]));
            group.append("%s:x:%s:\n".formatted(parts[0], parts[1]));
          }
          append(dir.resolve("etc/passwd"), passwd.toString());
          append(dir.resolve("etc/group"), group.toString());
        });
  }

  /**
   * A Java runtime of {@code modules}, linked by jlink from the JDK that runs this code (Debian's
   * openjdk-17-jdk-headless ships the jmods), with the JDK's default class-data archive: self
   * contained (Debian's JRE directory holds links into /etc) and a fraction of a JDK's size.
   */
  static Path javaRuntime(Path cache, List<String> modules) {
    var home = Path.of(System.getProperty("java.home"));
    var release = read(home.resolve("release"));
    var key = key(FORMAT, "jre", release, String.join(",", modules));
    return made(
        cache.resolve("jre-" + key.substring(0, 16)),
        dir -> {
          if (!Files.isDirectory(home.resolve("jmods"))) {
            throw new IllegalStateException(
                home + " has no jmods: run the image build on a JDK that has them");
          }
          run(
              List.of(
                  home.resolve("bin/jlink").toString(),
                  "--add-modules",
                  String.join(",", modules),
                  "--strip-debug",
                  "--no-header-files",
                  "--no-man-pages",
                  "--generate-cds-archive",
                  "--output",
                  dir.toString()),
              Duration.ofMinutes(10));
        });
  }

  /**
   * The directory {@code dir}, made by {@code make} into a fresh directory beside it and renamed
   * once whole, so that a build stopped half way leaves nothing that looks done.
   */
  private static Path made(Path dir, Consumer<Path> make) {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    try {
      Files.createDirectories(dir.getParent());
      // Two test JVMs (or a test and ./demo) may want the same part at once: one makes it.
      try (var lock =
          FileChannel.open(
              dir.resolveSibling("." + dir.getFileName() + ".lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
        lock.lock(); // released when the channel closes
        if (Files.isDirectory(dir)) {
          return dir;
        }
        var tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        if (Files.exists(tmp)) {
          run(List.of("rm", "-rf", tmp.toString()), null);
        }
        var started = System.nanoTime();
        // jlink wants to create its output directory itself.
        make.accept(tmp);
        Files.move(tmp, dir);
        // Minutes on a cold machine: say where they went.
        System.out.printf(
            "images: made %s in %.1f s%n", dir.getFileName(), (System.nanoTime() - started) / 1e9);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + dir, e);
    }
    return dir;
  }

  /** The first Debian mirror of this machine's APT sources (deb822 or one-line format). */
  static String debianMirror() {
    var deb822 = Path.of("/etc/apt/sources.list.d/debian.sources");
    if (Files.isRegularFile(deb822)) {
      var m = Pattern.compile("(?m)^URIs:\\s*(\\S+)").matcher(read(deb822));
      if (m.find()) {
        return m.group(1);
      }
    }
    var list = Path.of("/etc/apt/sources.list");
    if (Files.isRegularFile(list)) {
      var m =
          Pattern.compile("(?m)^deb\\s+(?:\\[[^]]*]\\s+)?(\\S+)\\s+\\S+\\s+main")
              .matcher(read(list));
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new IllegalStateException("no Debian mirror in this machine's APT sources");
  }

  private static String osRelease(String field) {
    var m =
        Pattern.compile("(?m)^" + field + "=\"?([^\"\\n]+)")
            .matcher(read(Path.of("/etc/os-release")));
    if (!m.find()) {
      throw new IllegalStateException("/etc/os-release has no " + field);
    }
    return m.group(1);
  }

  static void run(List<String> command, Duration timeout) {
    Command.run(command, null, timeout == null ? Duration.ofMinutes(2) : timeout).ok();
  }

  static String key(String... parts) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      for (var part : parts) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, read(file) + text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
