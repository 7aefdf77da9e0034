package dev.schemagate.testenv.node;

import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Readiness probes, run from the node as the kubelet runs them: exec as a local process with the
 * container's environment, tcpSocket and httpGet (HTTP only) against 127.0.0.1 and the host port
 * the probe's containerPort maps to. Liveness and startup probes are not run.
 */
final class Probes {
  private final ScheduledExecutorService timers;
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  Probes(ScheduledExecutorService timers) {
    this.timers = timers;
  }

  /**
   * Probes every periodSeconds after initialDelaySeconds and calls {@code readiness} when the
   * result flips: ready after successThreshold successes in a row, unready after failureThreshold
   * failures. A container starts unready. Cancel the returned future when the container stops.
   */
  ScheduledFuture<?> watch(
      Probe probe, ContainerLaunch launch, HostPorts ports, Consumer<Boolean> readiness) {
    int successThreshold = orDefault(probe.getSuccessThreshold(), 1);
    int failureThreshold = orDefault(probe.getFailureThreshold(), 3);
    var streak =
        new Object() {
          int successes;
          int failures;
          boolean ready;
        };
    Runnable tick =
        () -> {
          if (check(probe, launch, ports)) {
            streak.failures = 0;
            if (++streak.successes >= successThreshold && !streak.ready) {
              streak.ready = true;
              readiness.accept(true);
            }
          } else {
            streak.successes = 0;
            if (++streak.failures >= failureThreshold && streak.ready) {
              streak.ready = false;
              readiness.accept(false);
            }
          }
        };
    return timers.scheduleWithFixedDelay(
        tick,
        orDefault(probe.getInitialDelaySeconds(), 0) * 1000L,
        orDefault(probe.getPeriodSeconds(), 10) * 1000L,
        TimeUnit.MILLISECONDS);
  }

  private boolean check(Probe probe, ContainerLaunch launch, HostPorts ports) {
    var timeout = Duration.ofSeconds(orDefault(probe.getTimeoutSeconds(), 1));
    try {
      if (probe.getExec() != null) {
        return exec(probe, launch, timeout);
      }
      if (probe.getTcpSocket() != null) {
        var tcp = probe.getTcpSocket();
        try (var socket = new Socket()) {
          var address =
              new InetSocketAddress(
                  host(tcp.getHost()), ports.translate(tcp.getPort()).orElseThrow());
          socket.connect(address, (int) timeout.toMillis());
          return true;
        }
      }
      if (probe.getHttpGet() != null) {
        var get = probe.getHttpGet();
        var path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
        var port = ports.translate(get.getPort()).orElseThrow();
        var request =
            HttpRequest.newBuilder(URI.create("http://" + host(get.getHost()) + ":" + port + path))
                .timeout(timeout);
        get.getHttpHeaders().forEach(h -> request.header(h.getName(), h.getValue()));
        int status =
            http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        return status >= 200 && status < 400;
      }
      return false; // grpc: not supported, never ready
    } catch (IOException | ContainerLaunch.StartException | NoSuchElementException e) {
      // NoSuchElementException: the probe names a port the container does not declare.
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean exec(Probe probe, ContainerLaunch launch, Duration timeout)
      throws IOException, InterruptedException, ContainerLaunch.StartException {
    // A plain child process, not a LocalProcess: it is killed at its timeout, long before the JVM
    // ends.
    var builder =
        new ProcessBuilder(launch.exec(probe.getExec().getCommand()))
            .directory(launch.workingDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().putAll(launch.env);
    var process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return false;
    }
    return process.exitValue() == 0;
  }

  private static String host(String host) {
    return host == null || host.isEmpty() ? LocalNode.IP : host;
  }

  private static int orDefault(Integer value, int otherwise) {
    return value == null || value == 0 ? otherwise : value;
  }
}
