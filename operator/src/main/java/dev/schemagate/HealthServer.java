package dev.schemagate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** /healthz (process alive), /readyz (informers synced and healthy), /metrics (Prometheus). */
final class HealthServer {
  private HealthServer() {}

  static HttpServer start(int port, Operator operator, PrometheusMeterRegistry registry)
      throws IOException {
    var server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", x -> respond(x, 200, "ok\n"));
    server.createContext(
        "/readyz",
        x -> {
          var info = operator.getRuntimeInfo();
          var ready = info.isStarted() && info.allEventSourcesAreHealthy();
          respond(
              x,
              ready ? 200 : 503,
              ready ? "ready\n" : "not ready: " + info.unhealthyEventSources() + "\n");
        });
    server.createContext("/metrics", x -> respond(x, 200, registry.scrape()));
    server.start();
    return server;
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    var bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
