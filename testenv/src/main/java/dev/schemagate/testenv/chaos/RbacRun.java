package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.bench.RequestLog;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;

/**
 * The chart's RBAC against the operator's use of it: {@link RbacAudit} on the chaos plane
 * (MutatingAdmissionPolicy served) and on a second control plane without it, started under the work
 * directory and stopped after; the rights the run's own operators used (as admin, their request
 * logs: {@link ChaosContext#requestLogs}) count as used too, so one not granted is missing. Prints
 * {@code unused_rbac_verbs} and {@code missing_rbac_verbs}, and their lists. Runs last: it reads
 * the other parts' logs.
 */
final class RbacRun implements Part {
  static final String NAME = "rbac";

  RbacRun() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(ChaosContext context) throws Exception {
    var dir = context.work().resolve("rbac");
    var result = RbacAudit.run(context.cluster.plane(), dir);
    var started = System.nanoTime();
    try (var plane =
        ControlPlane.start(
            dir.resolve("without-map"), ControlPlane.Options.withoutMutatingAdmissionPolicy())) {
      progress(
          "rbac: control plane without MutatingAdmissionPolicy started in %.1f s"
              .formatted((System.nanoTime() - started) / 1e9));
      result = result.plus(RbacAudit.run(plane, dir));
    }
    var chaosUsed = new TreeSet<String>();
    for (var log : context.requestLogs) {
      if (Files.exists(log)) {
        chaosUsed.addAll(RbacGrants.used(RequestLog.requests(Files.readAllLines(log))));
      }
    }
    var beyondAudit = new TreeSet<>(chaosUsed);
    beyondAudit.removeAll(result.used());
    progress(
        "rbac: "
            + context.requestLogs.size()
            + " request logs of chaos operators; rights used there and not in the audit: "
            + beyondAudit);
    result.forbidden().forEach(l -> progress("rbac: Forbidden in the operator's log: " + l));
    var comparison = result.plusUsed(chaosUsed).compare();
    print("unused_rbac_verbs", comparison.unused());
    print("missing_rbac_verbs", comparison.missing());
  }

  private static void print(String name, Set<String> rights) {
    put(name, "" + rights.size());
    put(name + "_list", String.join(",", rights));
  }
}
