package dev.schemagate.testenv;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The operator as production runs it: {@code java -jar schemagate-*-all.jar operator ...} in a JVM
 * of its own, with a kubeconfig in $KUBECONFIG, so that its memory can be read from /proc and its
 * /healthz, /readyz and /metrics over HTTP. Killed forcibly on {@link #close()} if still alive.
 */
public final class OperatorProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final LocalProcess process;
  private final int healthPort;
  private boolean closed;

  private OperatorProcess(LocalProcess process, int healthPort) {
    this.process = process;
    this.healthPort = healthPort;
  }

  /**
   * operator/target/schemagate-*-all.jar of this checkout (built by `mvn -pl operator package`).
   */
  public static Path jar() {
    var target = Binaries.repoRoot().resolve("operator/target");
    try (var files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().matches("schemagate-.*-all\\.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no schemagate-*-all.jar in " + target + ": run mvn -pl operator package"));
    } catch (IOException e) {
      throw new IllegalStateException("no " + target + ": run mvn -pl operator package", e);
    }
  }

  /**
   * Starts {@code java [jvmOptions] -jar <jar> operator <args> --health-port=<free port>}.
   *
   * @param args the operator's flags, without --health-port (a free port is added)
   * @param env added to this process's environment, e.g. POD_NAMESPACE
   */
  public static OperatorProcess start(
      Path kubeconfig,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> env,
      Path log)
      throws IOException {
    return start(
        Path.of(System.getProperty("java.home"), "bin", "java"),
        jar(),
        kubeconfig,
        jvmOptions,
        args,
        env,
        log);
  }

  /** As above, with another {@code java} or jar: the bench compares JDKs and builds. */
  public static OperatorProcess start(
      Path java,
      Path jar,
      Path kubeconfig,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> env,
      Path log)
      throws IOException {
    var port = Ports.freeLoopbackPort();
    var command = new ArrayList<String>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.add("operator");
    command.addAll(args);
    command.add("--health-port=" + port);
    Files.createDirectories(log.toAbsolutePath().getParent());
    var builder = new ProcessBuilder(command);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(env);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    // A LocalProcess: it never outlives this JVM, even when that one is killed outright.
    return new OperatorProcess(LocalProcess.start("operator", log, builder), port);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return process.log();
  }

  /** Waits until GET /readyz answers 200 (informers started and synced). */
  public void awaitReady(Duration timeout) throws InterruptedException {
    var deadline = Instant.now().plus(timeout);
    var last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "operator exited with " + process.process().exitValue() + "; see " + log());
      }
      try {
        var response = get("/readyz");
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body().strip();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "operator not ready after " + timeout + ": " + last + "; see " + log());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The Prometheus text of /metrics. */
  public String metrics() throws IOException, InterruptedException {
    var response = get("/metrics");
    if (response.statusCode() != 200) {
      throw new IOException("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  /**
   * SIGTERM, as the kubelet sends it; returns the exit code, or empty if still running after the
   * timeout.
   */
  public OptionalLong terminate(Duration timeout) throws InterruptedException {
    sigterm();
    var java = process.process();
    if (java.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalLong.of(java.exitValue());
    }
    return OptionalLong.empty();
  }

  /** Sends SIGTERM, as the kubelet does to a pod's container, and returns at once. */
  public void sigterm() {
    process.process().destroy();
  }

  /**
   * SIGKILL if still alive: a test that ends early has no use for a graceful stop. What the log
   * then holds of errors goes to {@link OperatorLogErrors}.
   */
  @Override
  public void close() {
    var java = process.process();
    if (java.isAlive()) {
      java.destroyForcibly();
      try {
        java.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.close();
    if (!closed) {
      closed = true;
      OperatorLogErrors.record(log());
    }
  }
}
