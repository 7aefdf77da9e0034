package dev.schemagate.testenv.kubelet;

import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Command;
import dev.schemagate.testenv.PythonVenv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The images that tests and the demo run on a real node, built here from Debian's packages, this
 * machine's JDK, PyPI's packages (the example's virtualenv) and our build; no registry involved.
 * Each is built once per inputs into the image cache; {@link RealNode#importImage} puts one into a
 * node.
 */
public final class Images {
  /** Debian's busybox-static (testenv/prerequisites.sh installs it). */
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  /**
   * The Debian root of the operator's and the apps' images (one layer, stored once by containerd):
   * pg_dump and psql for `schemagate rehearse` (Debian's client, of the major the tests' server
   * runs), and Python for the apps' migration tools.
   */
  private static final List<String> DEBIAN_PACKAGES = List.of("postgresql-client", "python3");

  /** The images' users: the chart's (runAsUser 65532) and the example app's (10001). */
  private static final List<String> USERS = List.of("nonroot:65532", "app:10001");

  /**
   * The Java modules the operator needs: jdeps' answer for its jar and dependencies, and the
   * providers jdeps cannot see (EC curves for TLS, DNS for JNDI, zipfs).
   */
  private static final List<String> JAVA_MODULES =
      List.of(
          "java.base",
          "java.compiler",
          "java.desktop",
          "java.logging",
          "java.management",
          "java.naming",
          "java.net.http",
          "java.security.jgss",
          "java.sql",
          "java.xml",
          "jdk.crypto.ec",
          "jdk.httpserver",
          "jdk.management",
          "jdk.naming.dns",
          "jdk.unsupported",
          "jdk.zipfs");

  /** The operator's JVM options of the image, before any JAVA_TOOL_OPTIONS the chart gives. */
  private static final List<String> JVM_OPTIONS = List.of("-XX:MaxRAMPercentage=75");

  /** Where the class-data archive lives in the operator's image. */
  static final String CDS_ARCHIVE = "/app/schemagate.jsa";

  private Images() {}

  /** Where built image archives are kept: a directory of the tools' cache. */
  static Path cache() {
    return Binaries.cacheDir().resolve("images");
  }

  /**
   * The operator's image, {@code schemagate.local/schemagate:<key>}: the chart's image and the
   * built-in runner's. Its entrypoint is the schemagate CLI ({@code operator}, {@code migrate},
   * {@code rehearse} are its arguments), as user 65532, with pg_dump and psql on the PATH and a
   * class-data archive of the runner's classes made by the image's own JVM. Layers, lowest first:
   * Debian, the Java runtime, the dependencies, our jar and the archive; a code change rebuilds the
   * last only. Needs the operator's {@code package} phase (its jar and target/image-lib).
   */
  public static OciImage operator() {
    var target = Binaries.repoRoot().resolve("operator/target");
    var jar = operatorJar(target);
    var libs = list(target.resolve("image-lib"));
    var debian = ImageParts.debian(cache(), DEBIAN_PACKAGES, USERS);
    var java = ImageParts.javaRuntime(cache(), JAVA_MODULES);
    var classpath = new ArrayList<String>();
    var dependencies = new ArrayList<Tar.Entry>();
    dependencies.add(Tar.Entry.directory("app", 0755));
    dependencies.add(Tar.Entry.directory("app/lib", 0755));
    for (var lib : libs) {
      dependencies.add(Tar.Entry.file("app/lib/" + lib.getFileName(), 0644, lib));
      classpath.add("/app/lib/" + lib.getFileName());
    }
    classpath.add("/app/schemagate.jar");
    var dependencyLayer = OciImage.Layer.of(dependencies);
    var command = new ArrayList<>(List.of("/opt/java/bin/java"));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-cp", String.join(":", classpath), "dev.schemagate.Main"));
    var jarLayerInputs =
        OciImage.Layer.of(List.of(Tar.Entry.file("app/schemagate.jar", 0644, jar)));
    var archive =
        ClassDataArchive.of(
            cache(), debian, java, dependencies, jar, command, jarLayerInputs.key());
    var entrypoint = new ArrayList<>(command);
    entrypoint.add(1, "-XX:SharedArchiveFile=" + CDS_ARCHIVE);
    var layers =
        List.of(
            debianLayer(debian),
            OciImage.Layer.made(() -> javaEntries(java), "java", java.getFileName().toString()),
            dependencyLayer,
            OciImage.Layer.of(
                List.of(
                    Tar.Entry.file("app/schemagate.jar", 0644, jar),
                    Tar.Entry.file(CDS_ARCHIVE.substring(1), 0644, archive))));
    var config =
        new OciImage.Config(
            entrypoint, List.of(), Map.of("JAVA_HOME", "/opt/java"), "/app", "65532:65532");
    return OciImage.build(
        new OciImage.Recipe("schemagate.local/schemagate", "", layers, config), cache());
  }

  /**
   * The example app's image at a release ("1.7", "1.8" with the broken 008, "1.8.1" fixed), named
   * as the example's manifests and the end-to-end tier name it ({@code basketball-api:1.8.1}): its
   * default command is the app ({@code basketball_app.py}), and {@code alembic} with the release's
   * alembic.ini ($ALEMBIC_CONFIG) is on its PATH in /app/alembic (the example's SQL in
   * /app/migrations), as user 10001. Layers: Debian (the operator's), the example's virtualenv from
   * PyPI, the Alembic project and the app; the releases differ in their config only.
   */
  public static OciImage basketballApi(String release) {
    record Release(String ini, String requires) {}
    var known =
        Map.of(
            "1.7", new Release("alembic-1.7.ini", "players"),
            "1.8", new Release("alembic-1.8.0.ini", "teams"),
            "1.8.1", new Release("alembic.ini", "teams"));
    var chosen = known.get(release);
    if (chosen == null) {
      throw new IllegalArgumentException(
          "no basketball-api release " + release + "; there are " + known.keySet());
    }
    var debian = ImageParts.debian(cache(), DEBIAN_PACKAGES, USERS);
    var app = new ArrayList<Tar.Entry>();
    app.add(Tar.Entry.directory("app", 0755));
    // The Alembic revisions read the Flyway example's SQL from ../migrations.
    for (var dir : List.of("alembic", "migrations")) {
      app.add(Tar.Entry.directory("app/" + dir, 0755));
      app.addAll(
          Tar.tree(BasketballExample.dir().resolve(dir), "app/" + dir + "/").stream()
              .filter(e -> !e.path().contains("__pycache__"))
              .toList());
    }
    app.add(Tar.Entry.file("app/basketball_app.py", 0644, resource("basketball_app.py")));
    var config =
        new OciImage.Config(
            List.of(),
            List.of("python3", "/app/basketball_app.py"),
            Map.of(
                "PATH",
                "/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ALEMBIC_CONFIG",
                "/app/alembic/" + chosen.ini(),
                "BASKETBALL_API_REQUIRES",
                chosen.requires(),
                "PYTHONDONTWRITEBYTECODE",
                "1"),
            "/app/alembic",
            "10001:10001");
    var layers =
        List.of(debianLayer(debian), OciImage.Layer.of(venvEntries()), OciImage.Layer.of(app));
    return OciImage.build(new OciImage.Recipe("basketball-api", release, layers, config), cache());
  }

  /**
   * The user's own images: the archives ({@code docker save} or {@code podman save} tars, or OCI
   * layouts with containerd's name annotation) listed one a line in the file that
   * $SCHEMAGATE_IMAGE_ARCHIVES names; none when it is unset. Each is imported under the names its
   * archive gives it, so its {@link OciImage#name()} is the archive's path, for messages only.
   */
  public static List<OciImage> userImages() {
    var listing = System.getenv("SCHEMAGATE_IMAGE_ARCHIVES");
    if (listing == null || listing.isBlank()) {
      return List.of();
    }
    try {
      var file = Path.of(listing);
      return Files.readAllLines(file).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .map(line -> file.toAbsolutePath().resolveSibling(line))
          .map(
              archive -> {
                if (!Files.isRegularFile(archive)) {
                  throw new IllegalArgumentException(
                      listing + " lists " + archive + ", which is not a file");
                }
                return new OciImage(archive.toString(), archive);
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read $SCHEMAGATE_IMAGE_ARCHIVES " + listing, e);
    }
  }

  private static OciImage.Layer debianLayer(Path debian) {
    return OciImage.Layer.made(
        () -> Tar.tree(debian, ""), "debian", debian.getFileName().toString());
  }

  private static List<Tar.Entry> javaEntries(Path java) {
    var entries = new ArrayList<Tar.Entry>();
    entries.add(Tar.Entry.directory("opt/java", 0755));
    entries.addAll(Tar.tree(java, "opt/java/"));
    return entries;
  }

  /**
   * The example's virtualenv (PythonVenv, from PyPI by its pinned requirements) as /opt/venv on the
   * image's own python3 (both Debian's, of the same release): its site-packages, its pyvenv.cfg, a
   * python3 link and an {@code alembic} script.
   */
  private static List<Tar.Entry> venvEntries() {
    var venv = PythonVenv.bin().getParent();
    var lib = list(venv.resolve("lib")).get(0); // lib/python3.N
    var site = lib.resolve("site-packages");
    var python = "opt/venv/lib/" + lib.getFileName();
    var entries = new ArrayList<Tar.Entry>();
    entries.add(Tar.Entry.directory("opt/venv", 0755));
    entries.add(Tar.Entry.directory("opt/venv/bin", 0755));
    entries.add(Tar.Entry.symlink("opt/venv/bin/python3", "/usr/bin/python3"));
    entries.add(Tar.Entry.symlink("opt/venv/bin/python", "python3"));
    entries.add(
        Tar.Entry.file(
            "opt/venv/bin/alembic",
            0755,
            utf8(
                "#!/opt/venv/bin/python3\nimport sys\nfrom alembic.config import main\n\n"
                    + "sys.exit(main())\n")));
    entries.add(Tar.Entry.file("opt/venv/pyvenv.cfg", 0644, venv.resolve("pyvenv.cfg")));
    entries.add(Tar.Entry.directory("opt/venv/lib", 0755));
    entries.add(Tar.Entry.directory(python, 0755));
    entries.add(Tar.Entry.directory(python + "/site-packages", 0755));
    entries.addAll(
        Tar.tree(site, python + "/site-packages/").stream()
            .filter(e -> !e.path().contains("__pycache__"))
            .toList());
    return entries;
  }

  private static Path operatorJar(Path target) {
    try (Stream<Path> files = Files.list(target)) {
      var jars =
          files
              .filter(f -> f.getFileName().toString().matches("schemagate-[^-]+(-SNAPSHOT)?\\.jar"))
              .toList();
      if (jars.size() != 1 || !Files.isDirectory(target.resolve("image-lib"))) {
        throw new IllegalStateException(
            "the operator's image needs its jar and target/image-lib: run ./mvnw -pl operator"
                + " package (or the reactor's verify) first; found "
                + jars);
      }
      return jars.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + target, e);
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static byte[] resource(String name) {
    try (var in = Images.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + name + " beside " + Images.class);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A shell and the usual commands: Debian's static busybox, each of its applets a link in /bin.
   * Its default command is {@code sh}.
   */
  public static OciImage busybox() {
    return OciImage.build(
        new OciImage.Recipe("schemagate.local/busybox", busyboxFiles(), List.of(), List.of("sh")),
        cache());
  }

  /**
   * A test app that needs only a shell, named {@code reference} ("bench-app:1", "app:2"): busybox
   * (the same layer as {@link #busybox()}, stored once by containerd) with {@code cmd} as its
   * default command, e.g. {@code sleep 86400}, or {@code httpd -f -p 8080} for an httpGet probe.
   */
  public static OciImage shellApp(String reference, List<String> cmd) {
    int colon = reference.lastIndexOf(':');
    if (colon < 0 || colon < reference.lastIndexOf('/')) {
      throw new IllegalArgumentException("a reference with a tag, please: " + reference);
    }
    return OciImage.build(
        new OciImage.Recipe(
            reference.substring(0, colon),
            reference.substring(colon + 1),
            List.of(OciImage.Layer.of(busyboxFiles())),
            OciImage.Config.of(List.of(), cmd)),
        cache());
  }

  /**
   * {@link #busybox()} with the tests' kubectl in /bin: an in-cluster client that checks the API
   * server's certificate against its service account's ca.crt, which busybox's wget cannot.
   */
  public static OciImage kubectl() {
    var files = new ArrayList<>(busyboxFiles());
    files.add(Tar.Entry.file("bin/kubectl", 0755, Binaries.of("kubectl")));
    return OciImage.build(
        new OciImage.Recipe("schemagate.local/kubectl", files, List.of(), List.of("sh")), cache());
  }

  private static List<Tar.Entry> busyboxFiles() {
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
    return files;
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
