package dev.schemagate.testenv.kubelet;

import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Command;
import dev.schemagate.testenv.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator image's class-data-sharing archive (AppCDS), made by the image's own JVM at build
 * time: a training run of {@code schemagate migrate} (the example's eight migrations against the
 * tests' PostgreSQL) in a chroot of the image's files (root only, as the real node is), at the
 * image's paths, with {@code -XX:ArchiveClassesAtExit}. The JVM checks an archive's class path, jar
 * sizes and times against its own, so the jars get the time the image's tar gives them (0). Kept in
 * the image cache under a key of everything it is made from.
 */
final class ClassDataArchive {
  /** Bump when the training run changes. */
  private static final String TRAINING = "migrate-example-1";

  private ClassDataArchive() {}

  /**
   * The archive for {@code command} (the image's java command line, without its arguments) over the
   * image's parts: its Debian root, Java runtime, dependency entries and our jar.
   */
  static Path of(
      Path cache,
      Path debian,
      Path java,
      List<Tar.Entry> dependencies,
      Path jar,
      List<String> command,
      String jarKey) {
    var key =
        ImageParts.key(
            TRAINING,
            debian.getFileName().toString(),
            java.getFileName().toString(),
            OciImage.Layer.of(dependencies).key(),
            jarKey,
            String.join("\0", command));
    var archive = cache.resolve("cds-" + key.substring(0, 16) + ".jsa");
    if (Files.isRegularFile(archive)) {
      return archive;
    }
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory(cache, ".cds-");
      var root = scratch.resolve("root");
      // Hard links: the training root costs no copy of Debian or the JVM, and writes none of them.
      ImageParts.run(List.of("cp", "-al", debian.toString(), root.toString()), null);
      ImageParts.run(
          List.of("cp", "-al", java.toString(), root.resolve("opt/java").toString()), null);
      for (var entry : dependencies) {
        place(root, entry);
      }
      place(root, Tar.Entry.file("app/schemagate.jar", 0644, jar));
      var migrations = root.resolve("tmp/training");
      Files.createDirectories(migrations);
      try (var scripts =
          Files.list(Binaries.repoRoot().resolve("examples/basketball-api/migrations"))) {
        for (var script : scripts.toList()) {
          Files.copy(script, migrations.resolve(script.getFileName()));
        }
      }
      // The dynamic loader finds libjli through $ORIGIN, which needs /proc: a proc of a PID
      // namespace of its own, mounted in a mount namespace of its own, leaves the machine as it
      // was.
      var training =
          new ArrayList<>(
              List.of(
                  "unshare",
                  "--mount",
                  "--pid",
                  "--fork",
                  "--mount-proc=" + root.resolve("proc"),
                  "chroot",
                  root.toString()));
      training.add(command.get(0));
      training.add("-XX:ArchiveClassesAtExit=" + Images.CDS_ARCHIVE);
      training.addAll(command.subList(1, command.size()));
      training.addAll(
          List.of(
              "migrate",
              "--url=" + LocalPostgres.shared().createDatabase("cds_training"),
              "--dir=/tmp/training",
              "--termination-log=/tmp/termination-log"));
      var started = System.nanoTime();
      var result = Command.run(training, null, Duration.ofMinutes(5));
      var made = root.resolve(Images.CDS_ARCHIVE.substring(1));
      if (result.exitCode() != 0 || !Files.isRegularFile(made)) {
        throw new IllegalStateException("the class-data training run failed: " + result);
      }
      Files.move(made, archive, StandardCopyOption.REPLACE_EXISTING);
      System.out.printf(
          "images: class-data training run %.1f s, archive %d MiB%n",
          (System.nanoTime() - started) / 1e9, Files.size(archive) >> 20);
      return archive;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the class-data archive in " + cache, e);
    } finally {
      if (scratch != null) {
        ImageParts.run(List.of("rm", "-rf", scratch.toString()), null);
      }
    }
  }

  /** Puts {@code entry} under {@code root} as the image's tar would: a file's time is 0. */
  private static void place(Path root, Tar.Entry entry) throws IOException {
    var path = root.resolve(entry.path());
    if (entry.type() == '5') {
      Files.createDirectories(path);
      return;
    }
    Files.createDirectories(path.getParent());
    if (entry.source() != null) {
      Files.copy(entry.source(), path, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.write(path, entry.content());
    }
    Files.setLastModifiedTime(path, FileTime.fromMillis(0));
  }
}
