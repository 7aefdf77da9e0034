package dev.schemagate.rehearsal;

import dev.schemagate.runner.DatabaseUrl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How pg_dump and psql reach a database: a libpq connection string without the password, which goes
 * in {@code PGPASSWORD} so that no process list shows it. Pure.
 */
final class Libpq {
  /** The URL parameters libpq shares with the JDBC driver, by the driver's name. */
  private static final Map<String, String> PARAMETERS =
      Map.of(
          "sslmode", "sslmode",
          "sslrootcert", "sslrootcert",
          "sslcert", "sslcert",
          "sslkey", "sslkey",
          "connectTimeout", "connect_timeout",
          "connect_timeout", "connect_timeout",
          "target_session_attrs", "target_session_attrs",
          "options", "options");

  private Libpq() {}

  static String connectionString(DatabaseUrl db) {
    String rest = db.jdbcUrl().substring("jdbc:postgresql://".length());
    int query = rest.indexOf('?');
    String beforeQuery = query < 0 ? rest : rest.substring(0, query);
    int slash = beforeQuery.indexOf('/');
    var hosts = new ArrayList<String>();
    var ports = new ArrayList<String>();
    for (String hostPort : beforeQuery.substring(0, slash).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      boolean hasPort = colon > hostPort.lastIndexOf(']');
      String host = hasPort ? hostPort.substring(0, colon) : hostPort;
      hosts.add(host.replaceAll("^\\[|]$", ""));
      ports.add(hasPort ? hostPort.substring(colon + 1) : "5432");
    }
    var words = new ArrayList<String>();
    words.add(keyword("host", String.join(",", hosts)));
    words.add(keyword("port", String.join(",", ports)));
    String database = beforeQuery.substring(slash + 1);
    if (!database.isEmpty()) {
      words.add(keyword("dbname", decode(database)));
    }
    if (db.user() != null) {
      words.add(keyword("user", db.user()));
    }
    Map<String, String> params = new HashMap<>();
    if (query >= 0) {
      for (String param : rest.substring(query + 1).split("&")) {
        int eq = param.indexOf('=');
        String key = eq < 0 ? param : param.substring(0, eq);
        if (PARAMETERS.containsKey(key)) {
          params.put(PARAMETERS.get(key), decode(eq < 0 ? "" : param.substring(eq + 1)));
        }
      }
    }
    params.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> words.add(keyword(e.getKey(), e.getValue())));
    return String.join(" ", words);
  }

  /** The environment pg_dump and psql get: the password, and no stray PG* settings of ours. */
  static Map<String, String> environment(DatabaseUrl db) {
    Map<String, String> env = new HashMap<>();
    if (db.password() != null) {
      env.put("PGPASSWORD", db.password());
    }
    env.put("PGCONNECT_TIMEOUT", "10");
    return env;
  }

  static List<String> unsetVariables() {
    // A PGOPTIONS or PGSERVICE of the environment would change what the copy connects to or runs.
    return List.of("PGSERVICE", "PGSERVICEFILE", "PGOPTIONS", "PGDATABASE", "PGHOST", "PGPORT");
  }

  private static String keyword(String key, String value) {
    return key + "='" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
