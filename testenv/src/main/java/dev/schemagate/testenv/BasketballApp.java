package dev.schemagate.testenv;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Stands in for the basketball-api image on the local node. Like the real app it needs the schema
 * of migration 008: started against an older schema it exits non-zero, which under a Deployment is
 * a CrashLoopBackOff. Otherwise it serves /healthz for its readiness probe.
 */
public final class BasketballApp {
  private BasketballApp() {}

  public static void main(String[] args) throws Exception {
    var url = System.getenv("DATABASE_URL");
    var port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
    try (var db = LocalPostgres.connect(url);
        var tables = db.getMetaData().getTables(null, null, "teams", new String[] {"TABLE"})) {
      if (!tables.next()) {
        System.err.println(
            "basketball-api: relation \"teams\" does not exist: the schema is older than 008");
        System.exit(1);
      }
    } catch (SQLException e) {
      System.err.println("basketball-api: cannot use the database: " + e.getMessage());
      System.exit(1);
    }
    var server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/healthz",
        x -> {
          var body = "ok\n".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          try (var out = x.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    System.out.println("basketball-api: serving on 127.0.0.1:" + port);
  }
}
