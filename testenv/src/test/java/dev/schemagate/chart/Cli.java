package dev.schemagate.chart;

import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.Command;
import dev.schemagate.testenv.Command.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real helm and kubectl binaries of testenv, run against the shared control plane (as admin,
 * through its kubeconfig). Helm's cache, config and data, and kubectl's discovery cache live under
 * target/, so nothing in the user's home is read or written.
 */
final class Cli {
  static final Path CHART = Binaries.repoRoot().resolve("charts/schemagate");

  /**
   * The cluster's version: helm template and lint otherwise assume the version of helm's client-go.
   */
  static final String KUBE_VERSION = "--kube-version=1.34.4";

  private static final Path HOME = Path.of("target/cli-home").toAbsolutePath();

  private Cli() {}

  static Result helm(String... args) {
    var command = new ArrayList<String>();
    command.add(Binaries.of("helm").toString());
    command.addAll(List.of(args));
    return run(command);
  }

  /** helm against the control plane: its kubeconfig is added. */
  static Result helmOnCluster(String... args) {
    var command = new ArrayList<String>();
    command.add(Binaries.of("helm").toString());
    command.add("--kubeconfig=" + Cluster.plane().kubeconfig());
    command.addAll(List.of(args));
    return run(command);
  }

  static Result kubectl(String... args) {
    var command = new ArrayList<String>();
    command.add(Binaries.of("kubectl").toString());
    command.add("--kubeconfig=" + Cluster.plane().kubeconfig());
    command.add("--cache-dir=" + HOME.resolve("kube-cache"));
    command.addAll(List.of(args));
    return run(command);
  }

  static Result run(List<String> command) {
    try {
      Files.createDirectories(HOME);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var builder = new ProcessBuilder(command);
    var env = builder.environment();
    env.put("HOME", HOME.toString());
    env.put("HELM_CACHE_HOME", HOME.resolve("helm/cache").toString());
    env.put("HELM_CONFIG_HOME", HOME.resolve("helm/config").toString());
    env.put("HELM_DATA_HOME", HOME.resolve("helm/data").toString());
    env.remove("KUBECONFIG");
    return Command.run(builder, null, Duration.ofSeconds(120));
  }
}
