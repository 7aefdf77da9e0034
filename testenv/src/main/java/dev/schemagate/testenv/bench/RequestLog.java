package dev.schemagate.testenv.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The operator's API requests, counted from the log of its JDK HttpClient (fabric8's transport),
 * which with {@link #JVM_OPTION} writes one line per request sent, {@code REQUEST: <uri> <method>}:
 * the exact count, by method and resource, without touching the operator's code.
 */
public final class RequestLog {
  public static final String JVM_OPTION = "-Djdk.httpclient.HttpClient.log=requests";

  private static final Pattern REQUEST =
      Pattern.compile("REQUEST: (\\S+) (GET|POST|PUT|PATCH|DELETE)");

  private RequestLog() {}

  public static Map<String, Integer> count(Path log) throws IOException {
    return count(Files.readAllLines(log));
  }

  /**
   * Requests by method and resource, names left out: {@code GET pods}, {@code PATCH deployments},
   * {@code GET jobs (watch)}; in name order.
   */
  public static Map<String, Integer> count(List<String> lines) {
    var counts = new TreeMap<String, Integer>();
    for (var request : requests(lines)) {
      counts.merge(
          request.method()
              + " "
              + resourceOf(request.uri().getPath())
              + (request.watch() ? " (watch)" : ""),
          1,
          Integer::sum);
    }
    return counts;
  }

  /** One request the operator sent. */
  public record Request(String method, URI uri) {
    public boolean watch() {
      return uri.getQuery() != null && uri.getQuery().contains("watch=true");
    }
  }

  /** Every request in the log, in order. */
  public static List<Request> requests(List<String> lines) {
    var requests = new ArrayList<Request>();
    for (var line : lines) {
      var m = REQUEST.matcher(line);
      if (m.find()) {
        requests.add(new Request(m.group(2), URI.create(m.group(1))));
      }
    }
    return requests;
  }

  /** All the counted requests. */
  static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * The counted requests on the leader-election Lease: renewals, every few hundred ms however many
   * SchemaMigrations there are.
   */
  static int leases(Map<String, Integer> counts) {
    return counts.entrySet().stream()
        .filter(e -> isLease(e.getKey()))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }

  /**
   * The requests counted in {@code after} and not yet in {@code before}, kinds without any left
   * out.
   */
  static Map<String, Integer> since(Map<String, Integer> before, Map<String, Integer> after) {
    var added = new TreeMap<String, Integer>();
    after.forEach(
        (kind, n) -> {
          var more = n - before.getOrDefault(kind, 0);
          if (more != 0) {
            added.put(kind, more);
          }
        });
    return added;
  }

  /**
   * The writes among counted requests (POST, PUT, PATCH, DELETE), leader election's Lease renewals
   * left out: those are the price of --leader-election, not of the SchemaMigrations.
   */
  static int writes(Map<String, Integer> counts) {
    return counts.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("GET "))
        .filter(e -> !isLease(e.getKey()))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }

  private static boolean isLease(String kind) {
    return kind.endsWith(" leases");
  }

  /**
   * The resource of an API path, with its subresource: {@code
   * /api/v1/namespaces/ns/pods/name/status} is {@code pods/status}, {@code
   * /apis/batch/v1/namespaces/ns/jobs} is {@code jobs}; a path outside /api and /apis is itself.
   */
  public static String resourceOf(String path) {
    var parts = new ArrayList<>(Arrays.asList(path.split("/")));
    parts.removeIf(String::isEmpty);
    if (parts.isEmpty() || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
      return path;
    }
    // /api/v1/... (the core group) or /apis/group/version/...
    int i = parts.get(0).equals("api") ? 2 : 3;
    if (parts.size() > i + 2 && parts.get(i).equals("namespaces")) {
      i += 2;
    }
    if (parts.size() <= i) {
      return path;
    }
    var resource = parts.get(i);
    return parts.size() > i + 2 ? resource + "/" + parts.get(i + 2) : resource;
  }
}
