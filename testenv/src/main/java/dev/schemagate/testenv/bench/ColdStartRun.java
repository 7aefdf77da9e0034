package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.BenchCluster.await;
import static dev.schemagate.testenv.bench.BenchCluster.seconds;
import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.OperatorProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scale and cold start: N SchemaMigrations (each with its ConfigMap and Deployment, spread over
 * namespaces) exist before the operator starts; from the operator's process start to all N Ready,
 * while the watch completes each migration pod as soon as it appears. Then where the machine's time
 * went, the operator's memory, the API requests it sent per reconcile, and its exit on SIGTERM.
 */
final class ColdStartRun {
  private static final Duration STEADY_WINDOW = Duration.ofSeconds(30);

  private ColdStartRun() {}

  /** Polled at most every 200 ms: each scrape costs the operator some CPU. */
  private static boolean reconciledAtLeast(OperatorProcess operator, int count) {
    try {
      Thread.sleep(200);
      return Metrics.reconciles(operator.metrics()) >= count;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false; // not serving /metrics yet
    }
  }

  /** Returns the N apps, Ready. */
  static List<App> run(BenchCluster cluster, Watch watch, Options options, List<String> jvm)
      throws Exception {
    for (int n = 0; n < options.namespaces(); n++) {
      cluster.createNamespace(App.namespace(n));
    }
    var apps = App.population(0, options.migrations(), options.namespaces());
    progress(
        "creating "
            + apps.size()
            + " SchemaMigrations, ConfigMaps and Deployments in "
            + options.namespaces()
            + " namespaces");
    var created = System.nanoTime();
    cluster.create(apps);
    progress(
        "created in %.1f s; letting the controller-manager settle"
            .formatted(seconds(System.nanoTime() - created)));
    var client = cluster.client;
    await(
        "ReplicaSets of every Deployment",
        Duration.ofMinutes(5),
        () -> client.apps().replicaSets().inAnyNamespace().list().getItems().size() >= apps.size());
    Thread.sleep(3000);

    watch.completePods(true);
    var loadBefore = Machine.loadAverage();
    var log = cluster.work().resolve("operator-cold.log");
    var jvmCold = new ArrayList<>(jvm);
    if (options.logRequests()) {
      jvmCold.add(RequestLog.JVM_OPTION);
    }
    progress(
        "starting the operator: "
            + OperatorProcess.jar().getFileName()
            + " "
            + String.join(" ", jvmCold));
    var cpuBefore = Cpu.snapshot();
    var apiBefore = cluster.apiserverRequests();
    try (var operator = cluster.startOperator(jvmCold, Map.of(), log)) {
      var start = System.nanoTime();
      // The operator's own part: every SchemaMigration reconciled and its Job created. Running
      // the Jobs is kube-controller-manager's (and the bench's kubelet's) part.
      await(
          "the operator's first reconcile of all " + apps.size() + " and their Jobs",
          Duration.ofMinutes(10),
          () -> watch.jobsSeen() >= apps.size() && reconciledAtLeast(operator, apps.size()));
      var reconciled = System.nanoTime();
      put("operator_reconciled_all_s", "%.2f".formatted(seconds(reconciled - start)));
      var ready = watch.awaitReady(apps.size(), Duration.ofMinutes(10));
      put("cold_start_all_ready_s", "%.2f".formatted(seconds(ready - start)));
      // All Ready comes from the migration pods' success; the Jobs' Complete can lag far behind.
      var complete = watch.jobsComplete();
      put("jobs_complete_at_all_ready", complete + "/" + apps.size());
      put(
          "job_controller_all_complete_s",
          complete >= apps.size()
              ? "%.2f".formatted(seconds(Math.max(0, watch.lastJobComplete() - reconciled)))
              : "? (not all Complete yet)");
      put("cold_start_load_average", loadBefore + " -> " + Machine.loadAverage());
      // Where the machine's time went meanwhile: CPU seconds of each process, and what the API
      // server served (everyone's requests: operator, controller-manager, this bench).
      put("cold_start_cpu_s", Cpu.snapshot().since(cpuBefore, operator.pid()));
      var apiRequests = cluster.apiserverRequests() - apiBefore;
      put(
          "cold_start_apiserver_requests",
          "%.0f (%.0f/s)".formatted(apiRequests, apiRequests / seconds(ready - start)));
      Memory.print("", operator);
      var reconciles = Metrics.reconciles(operator.metrics());
      put("cold_start_reconciles", "%.0f".formatted(reconciles));
      if (options.logRequests()) {
        var requests = RequestLog.count(log);
        var total = RequestLog.total(requests);
        put("cold_start_api_requests", Integer.toString(total));
        put("api_requests_per_reconcile", "%.2f".formatted(total / reconciles));
        put("api_requests_per_migration", "%.2f".formatted(total / (double) apps.size()));
        put("cold_start_api_requests_by_kind", requests.toString());
      }
      Thread.sleep(5000);
      Memory.print("_settled", operator);
      if (options.logRequests()) {
        // Steady state: all Ready, nothing changing; the operator should write nothing. Its
        // reconciles here are those of the maximum reconciliation interval (run the bench with
        // --operator-args=--max-reconciliation-interval-seconds=10 to see many): what each costs.
        var perHour = 3600.0 / STEADY_WINDOW.toSeconds();
        var requestsBefore = RequestLog.count(log);
        var reconcilesBefore = Metrics.reconciles(operator.metrics());
        var steadyCpuBefore = Cpu.secondsOf(operator.pid());
        Thread.sleep(STEADY_WINDOW.toMillis());
        var requests = RequestLog.count(log);
        put(
            "steady_state_writes_per_hour",
            "%.0f"
                .formatted(
                    (RequestLog.writes(requests) - RequestLog.writes(requestsBefore)) * perHour));
        put(
            "steady_state_requests_per_hour",
            "%.0f"
                .formatted(
                    (RequestLog.total(RequestLog.since(requestsBefore, requests))
                            - RequestLog.leases(RequestLog.since(requestsBefore, requests)))
                        * perHour));
        put(
            "steady_state_reconciles_per_hour",
            "%.0f"
                .formatted((Metrics.reconciles(operator.metrics()) - reconcilesBefore) * perHour));
        put(
            "steady_state_operator_cpu_s_per_hour",
            "%.1f".formatted((Cpu.secondsOf(operator.pid()) - steadyCpuBefore) * perHour));
      }
      put(
          "cold_start_reconciles_after_5s",
          "%.0f".formatted(Metrics.reconciles(operator.metrics())));

      var sigterm = System.nanoTime();
      var exit = operator.terminate(Duration.ofSeconds(20));
      put(
          "sigterm_exit",
          exit.isPresent()
              ? "code %d after %.2f s"
                  .formatted(exit.getAsLong(), seconds(System.nanoTime() - sigterm))
              : "still running after 20 s");
    }
    watch.completePods(false);
    return apps;
  }
}
