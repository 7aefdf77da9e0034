package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.bench.BenchCluster;
import dev.schemagate.testenv.bench.ChartRun;
import dev.schemagate.testenv.bench.Output;
import java.util.List;

/**
 * SchemaGate's chaos run, a command of its own: `testenv/chaos`. On a local control plane, the
 * local node and a real PostgreSQL, with the operator in JVMs of its own as the chart runs it, it
 * harms SchemaGate while migrations stream, then checks the two promises of a gate from the API
 * server's and the databases' history: a migration never runs twice (nor twice at once: {@link
 * DuplicateRuns}), and no app pod starts before its image's migration succeeded ({@link
 * EarlyReleases}). Prints {@code name=value} lines on stdout, progress and findings on stderr.
 *
 * <p>Parts ({@link Part}), run in order, each in a namespace of its own: {@link OperatorKills},
 * {@link LeaderFailover}, {@link ControlPlaneRestarts}, {@link DatabaseOutage}, {@link FuzzRun}
 * (hostile documents), {@link PasswordLeaksRun}, {@link RbacRun} (the chart's RBAC against the
 * verbs used, last: it reads the other parts' operator logs).
 */
public final class Chaos {
  private static final List<Part> PARTS =
      List.of(
          new OperatorKills(),
          new LeaderFailover(),
          new ControlPlaneRestarts(),
          new DatabaseOutage(),
          new FuzzRun(),
          new PasswordLeaksRun(),
          new RbacRun());

  private Chaos() {}

  public static void main(String[] args) {
    if (ChaosOptions.wantsHelp(args)) {
      System.err.println(ChaosOptions.USAGE);
      return;
    }
    int exit = 0;
    try {
      run(ChaosOptions.parse(args));
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    }
    // Informer and HTTP client threads would keep the JVM up.
    System.exit(exit);
  }

  private static void run(ChaosOptions options) throws Exception {
    put("seed", "" + options.seed());
    var chart = runnerImageOfTheNode(ChartRun.render());
    try (var cluster =
        BenchCluster.start(options.work(), chart, List.of(), ControlPlane.Options.defaults())) {
      var context = new ChaosContext(options, cluster, chart);
      for (var part : PARTS) {
        if (options.parts().contains(part.name())) {
          Output.progress("part " + part.name());
          part.run(context);
        }
      }
      put("duplicate_runs", "" + context.duplicateRuns.size());
      put("early_releases", "" + context.earlyReleases.size());
      put("not_ready_at_end", "" + context.notReadyAtEnd.get());
      put("operator_crashes", "" + context.operatorCrashes.get());
    }
    // Faults are injected here: what the operator logged of them is for a bar, not a failure.
    Output.operatorLogErrors();
  }

  /** The chart's settings, but Jobs in the image the local node runs as the operator's jar. */
  private static ChartRun runnerImageOfTheNode(ChartRun chart) {
    var args =
        chart.args().stream()
            .map(
                a ->
                    a.startsWith("--runner-image=")
                        ? "--runner-image=" + ChaosContext.RUNNER_IMAGE
                        : a)
            .toList();
    return new ChartRun(args, chart.env(), chart.jvm());
  }
}
