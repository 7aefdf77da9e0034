package dev.schemagate.testenv.chaos;

import dev.schemagate.testenv.bench.RequestLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Rights granted against rights used, as {@code verb resource.group[/subresource]} strings: granted
 * from `kubectl auth can-i --list`, used from the operator's request log. Pure.
 */
public final class RbacGrants {
  /**
   * Used without a request of its own: the OwnerReferencesPermissionEnforcement admission plugin
   * (on in many clusters, off in the test control plane) checks it when a Job is created with
   * blockOwnerDeletion on its SchemaMigration owner.
   */
  public static final Set<String> USED_WITHOUT_REQUEST =
      Set.of("update schemamigrations.schemagate.dev/finalizers");

  /**
   * Used on a path no audit run here reaches: a migration pod's log is read only while its runner
   * has waited on a lock longer than its lock timeout, and the local node serves no pod logs (the
   * API server would proxy the read to a kubelet). A Job is read by name only when its create finds
   * the name taken by a Job outside the operator's label selector (edited by hand): chaos and
   * RbacIT edit no Job's labels (HostileInputIT does, without RBAC).
   */
  public static final Set<String> USED_ON_PATHS_NOT_RUN = Set.of("get pods/log", "get jobs.batch");

  /** The API server's words for an RBAC refusal, as fabric8 logs them in its exception. */
  private static final Pattern FORBIDDEN =
      Pattern.compile("cannot (\\S+) resource \"([^\"/]+)(/[^\"]+)?\" in API group \"([^\"]*)\"");

  private RbacGrants() {}

  /** What {@code used} lacks from {@code granted}, and the other way round. */
  public record Comparison(Set<String> unused, Set<String> missing) {}

  public static Comparison compare(Set<String> granted, Set<String> used) {
    var usedAll = new TreeSet<>(used);
    usedAll.addAll(USED_WITHOUT_REQUEST);
    usedAll.addAll(USED_ON_PATHS_NOT_RUN);
    var unused = new TreeSet<>(granted);
    unused.removeAll(usedAll);
    var missing = new TreeSet<>(usedAll);
    missing.removeAll(granted);
    return new Comparison(unused, missing);
  }

  /**
   * The rows of `kubectl auth can-i --list` (Resources, Non-Resource URLs, Resource Names, Verbs),
   * resource rows only, one string per verb. kubectl writes a resource as {@code
   * schemamigrations.schemagate.dev/status}, the core group without a dot, as {@link #used} does.
   */
  public static Set<String> granted(String canIList) {
    var grants = new TreeSet<String>();
    for (var line : canIList.split("\n")) {
      var columns = line.trim().split("\\s+\\[");
      if (line.startsWith("Resources") || columns.length != 4 || columns[0].isBlank()) {
        continue;
      }
      var resource = columns[0].trim();
      var verbs = columns[3].replace("]", "").trim();
      for (var verb : verbs.split("\\s+")) {
        if (!verb.isEmpty()) {
          grants.add(verb + " " + resource);
        }
      }
    }
    return grants;
  }

  /** The verb and resource each request is authorized as; non-resource paths left out. */
  public static Set<String> used(List<RequestLog.Request> requests) {
    var used = new TreeSet<String>();
    for (var r : requests) {
      var parts = new ArrayList<>(Arrays.asList(r.uri().getPath().split("/")));
      parts.removeIf(String::isEmpty);
      if (parts.isEmpty() || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
        continue;
      }
      var core = parts.get(0).equals("api");
      var group = core ? "" : parts.get(1);
      int i = core ? 2 : 3;
      if (parts.size() > i + 2 && parts.get(i).equals("namespaces")) {
        i += 2;
      }
      if (parts.size() <= i) {
        continue; // discovery: /api/v1, /apis/batch/v1
      }
      var resource = parts.get(i) + (group.isEmpty() ? "" : "." + group);
      var named = parts.size() > i + 1;
      if (parts.size() > i + 2) {
        resource += "/" + parts.get(i + 2);
      }
      used.add(verb(r, named) + " " + resource);
    }
    return used;
  }

  /**
   * The right a log line says was refused ({@code User "..." cannot list resource "pods" in API
   * group "" in the namespace "a"}), written as {@link #used} writes it; empty for any other line.
   */
  public static Optional<String> forbidden(String line) {
    var m = FORBIDDEN.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    var group = m.group(4).isEmpty() ? "" : "." + m.group(4);
    var subresource = m.group(3) == null ? "" : m.group(3);
    return Optional.of(m.group(1) + " " + m.group(2) + group + subresource);
  }

  private static String verb(RequestLog.Request r, boolean named) {
    return switch (r.method()) {
      case "GET" -> r.watch() ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> r.method().toLowerCase();
    };
  }
}
