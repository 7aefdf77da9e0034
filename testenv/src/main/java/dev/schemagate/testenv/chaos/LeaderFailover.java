package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.bench.BenchCluster;
import dev.schemagate.testenv.bench.Output;
import dev.schemagate.testenv.bench.Percentiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Leader failover: two operator replicas with leader election while the streams run. {@code kill
 * -9} the leader: the takeover time is from the kill to the other replica holding the Lease (it
 * must wait out the lease duration, 15 s); the killed one comes back as the standby. Then SIGTERM
 * the leader, as a rolling update does: the handover time is from the signal to the other holding
 * the Lease, which the leader releases on its way out (the worst one is printed), and the exit time
 * from the signal to the old process's exit.
 */
final class LeaderFailover implements Part {
  private static final String NAMESPACE = "chaos-failover";
  private static final List<String> REPLICAS = List.of("schemagate-a", "schemagate-b");
  private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String name() {
    return "failover";
  }

  @Override
  public void run(ChaosContext context) throws Exception {
    var client = context.client;
    var options = context.options;
    var lease = BenchCluster.LEASE_NAMESPACE;
    var operators = new HashMap<String, OperatorProcess>();
    var starts = new HashMap<String, Integer>();
    try (var node = context.namespaceWithNode(NAMESPACE);
        var recorder = new Recorder(client, NAMESPACE)) {
      var apps = context.createApps(NAMESPACE, Math.max(2, options.apps() / 4));
      for (var replica : REPLICAS) {
        operators.put(replica, start(context, replica, starts));
      }
      for (var operator : operators.values()) {
        operator.awaitReady(Duration.ofMinutes(3));
      }
      var takeovers = new ArrayList<Double>();
      var handovers = new ArrayList<Double>();
      var exits = new ArrayList<Double>();
      try (var streams = new Streams(client, apps, context.random.nextLong())) {
        for (int i = 1; i <= options.failovers() + options.handovers(); i++) {
          var graceful = i > options.failovers();
          var leader =
              LeaderLeases.awaitHolder(client, lease, REPLICAS::contains, TAKEOVER_TIMEOUT);
          // While a migration runs, most of the time.
          Thread.sleep(500 + context.random.nextInt(2500));
          leader = LeaderLeases.holder(client, lease);
          var process = operators.get(leader);
          checkAlive(context, operators);
          var from = System.nanoTime();
          if (graceful) {
            process.sigterm();
          } else {
            process.close(); // SIGKILL
          }
          var was = leader;
          LeaderLeases.awaitHolder(
              client, lease, h -> REPLICAS.contains(h) && !h.equals(was), TAKEOVER_TIMEOUT);
          var seconds = (System.nanoTime() - from) / 1e9;
          (graceful ? handovers : takeovers).add(seconds);
          Output.progress(
              "failover: %s %s, the other leads %.2f s later"
                  .formatted(graceful ? "SIGTERM to" : "kill -9 of", leader, seconds));
          if (graceful) {
            // The handover is the other leading; the old process exiting is the pod's own end.
            if (process.terminate(Duration.ofSeconds(20)).isEmpty()) {
              Output.progress("failover: " + leader + " still running 20 s after SIGTERM");
            }
            exits.add((System.nanoTime() - from) / 1e9);
          }
          process.close();
          operators.put(leader, start(context, leader, starts));
          // A standby whose JVM is still starting would make the next handover wait for it.
          operators.get(leader).awaitReady(Duration.ofMinutes(3));
        }
        streams.await();
        put("failover_revisions", "" + streams.revisions());
        put("failover_unexpected_outcomes", "" + streams.unexpectedOutcomes());
      }
      var notReady = context.awaitAllReady(apps, 3);
      notReady.forEach(m -> Output.progress("failover: not Ready at the end: " + m));
      context.notReadyAtEnd.addAndGet(notReady.size());
      context.judge(name(), recorder.history(ChaosContext.databases(apps)));
      checkAlive(context, operators);
      if (!takeovers.isEmpty()) {
        put("failover_p50_s", "%.2f".formatted(Percentiles.nearestRank(takeovers, 50)));
        put("failover_p99_s", "%.2f".formatted(Percentiles.nearestRank(takeovers, 99)));
      }
      if (!handovers.isEmpty()) {
        // The worst one: the target is a bound, not a typical value.
        put("handover_on_sigterm_s", "%.2f".formatted(Percentiles.nearestRank(handovers, 100)));
        put("exit_on_sigterm_s", "%.2f".formatted(Percentiles.nearestRank(exits, 100)));
      }
    } finally {
      operators.values().forEach(OperatorProcess::close);
    }
  }

  private static void checkAlive(ChaosContext context, Map<String, OperatorProcess> operators) {
    operators.forEach(
        (name, p) -> {
          if (!p.isAlive()) {
            context.operatorCrashes.incrementAndGet();
            Output.progress("failover: " + name + " had exited on its own; see " + p.log());
          }
        });
  }

  private static OperatorProcess start(
      ChaosContext context, String replica, Map<String, Integer> starts) throws Exception {
    var n = starts.merge(replica, 1, Integer::sum);
    return context.startOperator(replica, "failover-" + replica + "-" + n + ".log");
  }
}
