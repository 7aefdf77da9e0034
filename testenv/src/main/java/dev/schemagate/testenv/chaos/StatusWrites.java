package dev.schemagate.testenv.chaos;

import dev.schemagate.testenv.bench.RequestLog;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The operator's status writes, per SchemaMigration, from its request log. Pure. */
final class StatusWrites {
  private static final Pattern STATUS =
      Pattern.compile(".*/namespaces/([^/]+)/schemamigrations/([^/]+)/status$");

  private StatusWrites() {}

  /** {@code namespace/name} to the number of PATCH or PUT requests on its status. */
  static Map<String, Integer> perMigration(List<RequestLog.Request> requests) {
    var writes = new TreeMap<String, Integer>();
    for (var r : requests) {
      if (!r.method().equals("PATCH") && !r.method().equals("PUT")) {
        continue;
      }
      var m = STATUS.matcher(r.uri().getPath());
      if (m.matches()) {
        writes.merge(m.group(1) + "/" + m.group(2), 1, Integer::sum);
      }
    }
    return writes;
  }
}
