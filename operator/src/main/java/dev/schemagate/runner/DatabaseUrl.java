package dev.schemagate.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.schemagate.runlog.Secrets;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL URL as apps write it ({@code postgresql://user:pass@host:port/db?sslmode=require},
 * {@code postgres://...}) or as JDBC does ({@code jdbc:postgresql://...}), split into what the
 * driver wants: a URL without credentials, a user and a password. Credentials may be in the
 * authority or in {@code user}/{@code password} query parameters (the latter win, as later settings
 * do in libpq).
 *
 * <p>Parse errors describe what is wrong without quoting the input: it may hold a password.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
  private static final Pattern SCHEME =
      Pattern.compile("^(jdbc:postgresql|postgresql|postgres)://", Pattern.CASE_INSENSITIVE);

  /** One {@code host[:port]} of a (possibly multi-host) authority; IPv6 hosts in brackets. */
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]/@]+)(?::(\\d{1,5}))?");

  /** A {@code password=} query parameter's value in a URL. */
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(password=)[^&\\s'\"]*", Pattern.CASE_INSENSITIVE);

  /** Scheme and authority, then the database path if any: up to the query. */
  private static final Pattern WITHOUT_DATABASE =
      Pattern.compile(
          "^((?:jdbc:postgresql|postgresql|postgres)://[^/?]*)(/[^?]*)?", Pattern.CASE_INSENSITIVE);

  private static final String JDBC_PREFIX = "jdbc:postgresql://";
  private static final int DEFAULT_PORT = 5432;

  public static DatabaseUrl parse(String given) {
    if (given == null || given.isBlank()) {
      throw invalid("it is empty");
    }
    // A Secret made with `echo ... | kubectl create secret` ends in a newline.
    var url = given.strip();
    var scheme = SCHEME.matcher(url);
    if (!scheme.find()) {
      throw invalid("expected postgresql://, postgres:// or jdbc:postgresql://");
    }
    String rest = url.substring(scheme.end());
    int queryStart = rest.indexOf('?');
    String query = queryStart < 0 ? "" : rest.substring(queryStart + 1);
    String beforeQuery = queryStart < 0 ? rest : rest.substring(0, queryStart);
    int pathStart = beforeQuery.indexOf('/');
    String authority = pathStart < 0 ? beforeQuery : beforeQuery.substring(0, pathStart);
    String database = pathStart < 0 ? "" : beforeQuery.substring(pathStart + 1);
    if (database.contains("/")) {
      throw invalid(
          "the database name contains '/' (percent-encode special characters in the user and"
              + " password)");
    }

    // The last '@' ends the user info, so an unencoded '@' in a password still parses.
    int at = authority.lastIndexOf('@');
    String hosts = authority.substring(at + 1);
    checkHosts(hosts);
    String user = null;
    String password = null;
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user");
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password");
    }

    List<String> params = new ArrayList<>();
    for (String param : query.split("&")) {
      int eq = param.indexOf('=');
      String key = eq < 0 ? param : param.substring(0, eq);
      String value = eq < 0 ? "" : param.substring(eq + 1);
      switch (key) {
        case "" -> {}
        case "user" -> user = decode(value, "user");
        case "password" -> password = decode(value, "password");
        default -> params.add(param);
      }
    }
    String jdbcUrl =
        JDBC_PREFIX
            + hosts
            + "/"
            + database
            + (params.isEmpty() ? "" : "?" + String.join("&", params));
    return new DatabaseUrl(jdbcUrl, user, password);
  }

  /**
   * Where the database is, as a failure line names it: {@code host:port/db}, each host with its
   * port ({@code 5432} unless the URL says), and nothing else of the URL: neither the user nor the
   * query parameters, which may hold secrets ({@code sslpassword}).
   */
  public String location() {
    String rest = jdbcUrl.substring(JDBC_PREFIX.length());
    int query = rest.indexOf('?');
    String beforeQuery = query < 0 ? rest : rest.substring(0, query);
    int slash = beforeQuery.indexOf('/');
    String hosts = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
    String database = slash < 0 ? "" : beforeQuery.substring(slash + 1);
    var withPorts = new ArrayList<String>();
    for (String hostPort : hosts.split(",")) {
      var m = HOST_PORT.matcher(hostPort);
      withPorts.add(m.matches() && m.group(2) == null ? hostPort + ":" + DEFAULT_PORT : hostPort);
    }
    // No database in the URL: the driver uses the user's name, which the line need not show.
    return String.join(",", withPorts) + (database.isEmpty() ? "" : "/" + database);
  }

  /**
   * {@code url}, as its user wrote it (scheme, credentials, parameters), naming {@code database}
   * instead: a sibling database on the same server.
   */
  public static String withDatabase(String url, String database) {
    var m = WITHOUT_DATABASE.matcher(url.strip());
    if (!m.find()) {
      throw invalid("expected postgresql://, postgres:// or jdbc:postgresql://");
    }
    return m.group(1) + "/" + database + url.strip().substring(m.end());
  }

  /**
   * A data source for this database whose sessions carry {@code application_name} and the server
   * {@code settings} ({@code lock_timeout=500ms}), after any {@code options} the URL itself sets.
   */
  PGSimpleDataSource dataSource(String applicationName, String... settings) {
    var ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl);
    ds.setUser(user);
    ds.setPassword(password);
    ds.setApplicationName(applicationName);
    var options = new ArrayList<String>();
    if (ds.getOptions() != null && !ds.getOptions().isBlank()) {
      options.add(ds.getOptions());
    }
    for (String setting : settings) {
      options.add("-c " + setting);
    }
    if (!options.isEmpty()) {
      ds.setOptions(String.join(" ", options));
    }
    return ds;
  }

  private static void checkHosts(String hosts) {
    if (hosts.isEmpty()) {
      throw invalid("no host");
    }
    for (String hostPort : hosts.split(",", -1)) {
      var m = HOST_PORT.matcher(hostPort);
      if (!m.matches()) {
        throw invalid(
            "malformed host or port (percent-encode special characters in the user and password)");
      }
      int port = m.group(2) == null ? DEFAULT_PORT : Integer.parseInt(m.group(2));
      if (port < 1 || port > 65535) {
        throw invalid("port out of range 1-65535");
      }
    }
  }

  /** Percent-decoding as in URIs: unlike form encoding, '+' stays a plus sign. */
  private static String decode(String s, String what) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), UTF_8);
    } catch (IllegalArgumentException e) {
      // Not chained: the decoder's message quotes the input.
      throw invalid("bad percent-encoding in the " + what);
    }
  }

  private static InvalidInputException invalid(String reason) {
    return new InvalidInputException("invalid database URL: " + reason);
  }

  /**
   * The password of {@code url} in every form it may take in a tool's output (as written,
   * percent-decoded), whether or not {@code url} parses: for {@link Secrets#mask}.
   */
  public static List<String> passwords(String url) {
    var secrets = new ArrayList<String>();
    if (url == null) {
      return secrets;
    }
    // As written: the user info's part after ':' up to the last '@', and password= values.
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = url.lastIndexOf('@');
    int colon = url.indexOf(':', start);
    if (at > start && colon >= 0 && colon < at) {
      secrets.add(url.substring(colon + 1, at));
    }
    var params = PASSWORD_PARAM.matcher(url);
    while (params.find()) {
      secrets.add(url.substring(params.end(1), params.end()));
    }
    for (String raw : List.copyOf(secrets)) {
      try {
        secrets.add(decode(raw, "password"));
      } catch (InvalidInputException e) {
        // not percent-encoded: the raw form is all there is
      }
    }
    try {
      secrets.add(parse(url).password());
    } catch (InvalidInputException e) {
      // malformed: the raw forms above are all there is
    }
    return secrets;
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return jdbcUrl + " (user " + user + (password == null ? ", no password)" : ", password set)");
  }
}
