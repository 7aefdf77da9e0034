package dev.schemagate.testenv;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Stands in for the basketball-api image on the local node. Like the real app it needs the schema
 * of its release: 1.8 needs the teams table of migration 008 (the table named by
 * $BASKETBALL_API_REQUIRES, default teams; images.yaml gives 1.7 its own). Started against an older
 * schema it exits non-zero, which under a Deployment is a CrashLoopBackOff. Otherwise it serves
 * /healthz for its readiness probe.
 */
public final class BasketballApp {
  private BasketballApp() {}

  public static void main(String[] args) throws Exception {
    var url = System.getenv("DATABASE_URL");
    var port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
    var table = System.getenv().getOrDefault("BASKETBALL_API_REQUIRES", "teams");
    try (var db = LocalPostgres.connect(url);
        var tables = db.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
      if (!tables.next()) {
        System.err.printf(
            "basketball-api: relation \"%s\" does not exist: the schema is too old for this"
                + " release%n",
            table);
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
