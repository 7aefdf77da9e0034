package dev.schemagate.testenv.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one run of a container executes on the host: its argv (image entry + Kubernetes'
 * command/args rules), the environment it adds to the node's, and its working directory. Since a
 * process cannot see mount paths, values naming a mountPath are rewritten to the host directory.
 */
final class ContainerLaunch {
  /** The container cannot be started (the kubelet's StartError); the message says why. */
  static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    StartException(String message) {
      super(message);
    }
  }

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{(java|classpath|podDir|terminationLog|env:([^}]*))}");

  final List<String> argv;

  /** What the process adds to the node's environment: the image entry's, then the container's. */
  final Map<String, String> env;

  final Path workingDir;
  private final Map<String, Path> mounts;

  private ContainerLaunch(
      List<String> argv, Map<String, String> env, Path workingDir, Map<String, Path> mounts) {
    this.argv = argv;
    this.env = env;
    this.workingDir = workingDir;
    this.mounts = mounts;
  }

  /**
   * @param containerEnv the container's resolved env ({@link PodConfig#env})
   * @param volumes each volume's host directory ({@link PodConfig#volumes})
   */
  static ContainerLaunch of(
      Container c,
      ImageMap.Image image,
      Map<String, String> containerEnv,
      HostPorts ports,
      Map<String, Path> volumes,
      Path podDir,
      Path terminationLog)
      throws StartException {
    var mounts = mounts(c, volumes, terminationLog);
    var placeholders =
        Map.of(
            "java", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            // Absolute: processes run in their pod's directory.
            "classpath", absoluteClasspath(),
            "podDir", podDir.toString(),
            "terminationLog", terminationLog.toString());
    var env = new LinkedHashMap<String, String>();
    image.env().forEach((k, v) -> env.put(k, fill(v, placeholders)));
    var vars = new LinkedHashMap<>(containerEnv);
    vars.putAll(ports.env());
    vars.forEach((k, v) -> env.put(k, rewrite(v, mounts)));

    // Words from the pod spec are container paths and may name variables; the entry's are the
    // host's.
    var argv = new ArrayList<String>();
    Consumer<String> fromSpec = word -> argv.add(rewrite(Expansion.expand(word, vars), mounts));
    Consumer<String> fromImage = word -> argv.add(fill(word, placeholders));
    if (!c.getCommand().isEmpty()) {
      c.getCommand().forEach(fromSpec);
      c.getArgs().forEach(fromSpec);
    } else {
      image.command().forEach(fromImage);
      if (c.getArgs().isEmpty()) {
        image.args().forEach(fromImage);
      } else {
        c.getArgs().forEach(fromSpec);
      }
      image.appendArgs().forEach(fromImage);
    }
    Path workingDir =
        c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()
            ? Path.of(rewrite(c.getWorkingDir(), mounts))
            : image.workingDir() != null ? Path.of(fill(image.workingDir(), placeholders)) : podDir;
    return new ContainerLaunch(onPath(argv, env), env, workingDir, mounts);
  }

  /**
   * Container path -> host path: the termination log file first, then mounts from the longest path
   * down.
   */
  private static Map<String, Path> mounts(
      Container c, Map<String, Path> volumes, Path terminationLog) throws StartException {
    var mounts = new LinkedHashMap<String, Path>();
    var messagePath =
        c.getTerminationMessagePath() == null
            ? "/dev/termination-log"
            : c.getTerminationMessagePath();
    mounts.put(messagePath, terminationLog);
    var byLength = new ArrayList<>(c.getVolumeMounts());
    byLength.sort(Comparator.comparingInt((VolumeMount m) -> m.getMountPath().length()).reversed());
    for (var mount : byLength) {
      var dir = volumes.get(mount.getName());
      if (dir == null) {
        throw new StartException("volumeMount " + mount.getName() + " names no volume of the pod");
      }
      var sub = mount.getSubPath();
      mounts.put(
          trimSlash(mount.getMountPath()), sub == null || sub.isEmpty() ? dir : dir.resolve(sub));
    }
    return mounts;
  }

  /**
   * An exec probe's command, run as if inside this container: mount paths rewritten, looked up on
   * its PATH.
   */
  List<String> exec(List<String> command) throws StartException {
    var words = new ArrayList<String>();
    command.forEach(word -> words.add(rewrite(word, mounts)));
    return onPath(words, env);
  }

  /**
   * The command with its first word looked up on the PATH of the container's env, as a runtime's
   * exec does.
   */
  private static List<String> onPath(List<String> command, Map<String, String> env)
      throws StartException {
    if (command.isEmpty()) {
      throw new StartException(
          "no command specified: the container sets no command and the image map entry none");
    }
    var first = command.get(0);
    if (first.contains("/")) {
      return command;
    }
    var words = new ArrayList<>(command);
    words.set(
        0, lookPath(first, env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", ""))));
    return words;
  }

  private static String lookPath(String name, String path) throws StartException {
    for (var dir : path.split(":")) {
      var candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath().toString();
      }
    }
    throw new StartException(
        "exec: \"" + name + "\": executable file not found in $PATH (" + path + ")");
  }

  private static String rewrite(String value, Map<String, Path> mounts) {
    for (var mount : mounts.entrySet()) {
      var at = mount.getKey();
      if (value.equals(at) || value.startsWith(at + "/")) {
        return mount.getValue() + value.substring(at.length());
      }
    }
    return value;
  }

  private static String fill(String template, Map<String, String> placeholders) {
    Matcher m = PLACEHOLDER.matcher(template);
    var out = new StringBuilder();
    while (m.find()) {
      var value =
          m.group(2) != null
              ? System.getenv().getOrDefault(m.group(2), "")
              : placeholders.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String absoluteClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
