package dev.schemagate.testenv.kubelet;

import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The images that tests run on a real node, built here from Debian's files and ours. */
public final class Images {
  /** Debian's busybox-static (testenv/prerequisites.sh installs it). */
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  private Images() {}

  /** Where built image archives are kept: a directory of the tools' cache. */
  static Path cache() {
    return Binaries.cacheDir().resolve("images");
  }

  /**
   * A shell and the usual commands: Debian's static busybox, each of its applets a link in /bin.
   * Its default command is {@code sh}.
   */
  public static OciImage busybox() {
    var files = new ArrayList<Tar.Entry>();
    files.add(Tar.Entry.directory("bin", 0755));
    files.add(Tar.Entry.file("bin/busybox", 0755, read(BUSYBOX)));
    var applets =
        Command.run(List.of(BUSYBOX.toString(), "--list"), null, Duration.ofSeconds(10))
            .ok()
            .lines()
            .map(String::strip)
            .filter(a -> !a.isEmpty() && !a.equals("busybox"))
            .sorted()
            .distinct()
            .toList();
    for (var applet : applets) {
      files.add(Tar.Entry.symlink("bin/" + applet, "busybox"));
    }
    files.add(Tar.Entry.directory("etc", 0755));
    files.add(Tar.Entry.file("etc/passwd", 0644, utf8("root:x:0:0:root:/root:/bin/sh\n")));
    files.add(Tar.Entry.file("etc/group", 0644, utf8("root:x:0:\n")));
    files.add(Tar.Entry.directory("root", 0700));
    files.add(Tar.Entry.directory("tmp", 01777));
    return OciImage.build(
        new OciImage.Recipe("schemagate.local/busybox", files, List.of(), List.of("sh")), cache());
  }

  /**
   * The pod sandbox's image: the kubelet's own pause.c, built static with the kubelet
   * (build-binaries.sh --kubelet), as /pause.
   */
  public static OciImage pause() {
    var pause = Binaries.kubeletDir().resolve("pause");
    return OciImage.build(
        new OciImage.Recipe(
            "schemagate.local/pause",
            List.of(Tar.Entry.file("pause", 0755, read(pause))),
            List.of("/pause"),
            List.of()),
        cache());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
