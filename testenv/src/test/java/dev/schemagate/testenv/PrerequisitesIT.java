package dev.schemagate.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testenv/prerequisites.sh, which ./demo and .ci/run source, on this machine with parts hidden from
 * PATH: a directory of links to every command on PATH but the hidden ones, and an environment
 * holding nothing else.
 */
class PrerequisitesIT {
  private static final Path SCRIPT = Binaries.testenvDir().resolve("prerequisites.sh");

  @TempDir Path tmp;

  /**
   * Without root it installs nothing: it names what is missing and the one command that would
   * install it, and stops the script that sourced it. A JDK 17 installed but not on PATH is used,
   * not reported.
   */
  @Test
  void withoutRootItStopsAtOnceWithTheOneCommandThatInstallsWhatIsMissing() throws IOException {
    var path =
        pathWithout("java", "javac", "mvn", "go", "curl", "unzip", "python3", "runuser", "setsid");
    var home = Files.createDirectories(tmp.resolve("home"));
    var command = new ArrayList<String>();
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      // The test's own runuser, found before PATH is cut down.
      command.addAll(List.of(onPath("runuser").toString(), "-u", "nobody", "--"));
      readableByAll(tmp, home, path);
      Files.setOwner(
          home,
          home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    }
    command.addAll(
        List.of(
            path.resolve("bash").toString(),
            "-c",
            "source \"$0\" && prerequisites; echo 'the caller went on'",
            SCRIPT.toString()));
    var run = run(command, Map.of("HOME", home.toString(), "PATH", path.toString()));

    var packages = new ArrayList<String>();
    var what = new ArrayList<String>();
    if (!exists("/usr/lib/jvm", "java-17-openjdk-.*", "bin/javac")) {
      packages.add("openjdk-17-jdk-headless");
      what.add("Java 17 (javac)");
    }
    if (!exists("/usr/lib/postgresql", "\\d+", "bin/initdb")) {
      packages.add("postgresql");
      what.add("PostgreSQL's server binaries");
    }
    packages.addAll(List.of("util-linux", "python3-venv", "curl"));
    what.addAll(List.of("runuser", "setsid", "python3 -m venv", "curl"));
    if (!Files.exists(Path.of("/etc/ssl/certs/ca-certificates.crt"))) {
      packages.add("ca-certificates");
      what.add("CA certificates");
    }
    packages.add("unzip");
    what.add("unzip");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.stdout()).as(run.toString()).isEmpty();
    assertThat(run.stderr().lines())
        .as(run.toString())
        .containsExactly(
            "prerequisites: missing " + String.join(", ", what),
            "prerequisites: install them with: sudo sh -c 'apt-get update && apt-get install -y "
                + String.join(" ", packages)
                + "'");
  }

  /**
   * With no go, java or mvn on PATH: Go comes from the Go module proxy (its SHA-256 checked) into
   * the cache, once; the JDK 17 installed beside PATH runs ./mvnw, which fetches the pinned Maven.
   */
  @Test
  void fetchesGoIntoTheCacheAndMavenThroughTheWrapper() throws IOException {
    var path = pathWithout("java", "javac", "mvn", "go");
    var cache = tmp.resolve("cache");
    var env =
        Map.of(
            "HOME", Files.createDirectories(tmp.resolve("home")).toString(),
            "PATH", path.toString(),
            "SCHEMAGATE_CACHE", cache.toString(),
            "MAVEN_USER_HOME", tmp.resolve("m2").toString());
    var script =
        "source \"$0\" && prerequisites_jdk && prerequisites_go && command -v go && go version"
            + " && ./mvnw -v";
    var first = run(List.of(path.resolve("bash").toString(), "-c", script, SCRIPT.toString()), env);

    assertThat(first.exitCode()).as(first.toString()).isZero();
    var goroot = cache.resolve("go/go1.26.8.linux-" + goArch());
    assertThat(first.stdout())
        .as(first.toString())
        .contains(
            goroot.resolve("bin/go") + "\n", "go version go1.26.8 linux/", "Apache Maven 3.9.16");
    assertThat(first.stderr())
        .as(first.toString())
        .contains("prerequisites: fetching Go 1.26.8 from the Go module proxy into " + goroot);
    // Nothing left of the download beside the toolchain.
    try (var entries = Files.list(cache.resolve("go"))) {
      assertThat(entries).containsExactly(goroot);
    }

    var again =
        run(
            List.of(
                path.resolve("bash").toString(),
                "-c",
                "source \"$0\" && prerequisites_go && command -v go",
                SCRIPT.toString()),
            env);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.stdout()).isEqualTo(goroot.resolve("bin/go") + "\n");
    assertThat(again.stderr()).as("no second download").isEmpty();
  }

  private static String goArch() {
    var arch = System.getProperty("os.arch");
    return arch.equals("aarch64") ? "arm64" : "amd64";
  }

  /** A directory of links to the commands of this JVM's PATH, less {@code hidden}. */
  private Path pathWithout(String... hidden) throws IOException {
    var dir = Files.createDirectories(tmp.resolve("bin"));
    var skip = Set.of(hidden);
    for (var entry : System.getenv("PATH").split(":")) {
      var d = Path.of(entry);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> commands = Files.list(d)) {
        for (var c : (Iterable<Path>) commands::iterator) {
          var link = dir.resolve(c.getFileName().toString());
          if (!skip.contains(c.getFileName().toString())
              && Files.isExecutable(c)
              && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, c.toAbsolutePath());
          }
        }
      }
    }
    for (var h : hidden) {
      assertThat(dir.resolve(h)).doesNotExist();
    }
    return dir;
  }

  private static Path onPath(String command) {
    return Stream.of(System.getenv("PATH").split(":"))
        .map(d -> Path.of(d, command))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new AssertionError(command + " not on PATH"));
  }

  private static boolean exists(String parent, String childPattern, String file) {
    try (Stream<Path> children = Files.list(Path.of(parent))) {
      return children.anyMatch(
          c ->
              c.getFileName().toString().matches(childPattern)
                  && Files.isExecutable(c.resolve(file)));
    } catch (IOException e) {
      return false;
    }
  }

  private static void readableByAll(Path... dirs) throws IOException {
    for (var d : dirs) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Runs {@code command} in the repository root with exactly {@code env} as its environment. */
  private static Command.Result run(List<String> command, Map<String, String> env) {
    var builder = new ProcessBuilder(command).directory(Binaries.repoRoot().toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return Command.run(builder, null, Duration.ofMinutes(10));
  }
}
