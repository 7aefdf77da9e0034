package dev.schemagate.testenv.bench;

import dev.schemagate.api.ConfigMapRef;
import dev.schemagate.api.Database;
import dev.schemagate.api.FlywaySource;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationSpec;
import dev.schemagate.api.SecretKeyRef;
import dev.schemagate.api.Target;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.PodTermination;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * SchemaGate's benchmark (issue 4 item 5), a command of its own: `testenv/bench`. It starts a local
 * control plane, runs the operator jar in a JVM of its own (as the chart runs the image: the args,
 * env and JVM options of `helm template` with defaults, under the chart's memory limit), plays the
 * kubelet for migration pods, and prints one {@code name=value} per line on stdout (progress goes
 * to stderr).
 *
 * <ol>
 *   <li>Scale and cold start: N SchemaMigrations (each with its ConfigMap and its Deployment,
 *       spread over namespaces) exist before the operator starts; from the operator's process start
 *       to all N Ready, while a bench-side loop completes each migration pod as soon as it appears.
 *       Then the operator's RSS (/proc/PID/status VmRSS) and heap (its /metrics), and the API
 *       requests it sent per reconcile.
 *   <li>Restart: SIGTERM (the process must exit), a new operator process over the N Ready
 *       SchemaMigrations: time to ready and the requests a restart costs.
 *   <li>Release latency, with that operator holding the N: migrations one at a time, from the
 *       instant this bench's watch sees the Job Complete to the instant it sees the Deployment's
 *       spec.replicas set.
 * </ol>
 */
public final class Bench {
  static final String LEASE_NAMESPACE = "schemagate-system";

  /**
   * How the chart runs the operator: its container's args, env and JVM options, rendered by helm.
   */
  static final ChartRun CHART = ChartRun.render();

  static final List<String> CHART_JVM = CHART.jvm();

  /**
   * JDK HttpClient (fabric8's transport in the operator) logs one line per request it sends: the
   * exact count of the operator's API requests, with method and URI, without touching its code.
   */
  static final String LOG_REQUESTS = "-Djdk.httpclient.HttpClient.log=requests";

  static final Pattern REQUEST_LINE =
      Pattern.compile("REQUEST: (\\S+) (GET|POST|PUT|PATCH|DELETE)");

  final int migrations;
  final int namespaces;
  final int latencySamples;
  final List<String> jvm;
  final List<String> operatorArgs;
  final Path work;
  final boolean logRequests;
  final List<String> variants;
  final Map<String, String> results = new LinkedHashMap<>();

  ControlPlane plane;
  KubernetesClient client;
  final ExecutorService writers = Executors.newFixedThreadPool(8);

  Bench(Map<String, String> options) {
    migrations = Integer.parseInt(options.getOrDefault("migrations", "1000"));
    namespaces = Integer.parseInt(options.getOrDefault("namespaces", "10"));
    latencySamples = Integer.parseInt(options.getOrDefault("latency-samples", "100"));
    var extraJvm =
        options.getOrDefault("jvm", "").isBlank()
            ? List.<String>of()
            : List.of(options.get("jvm").split(" "));
    jvm = new ArrayList<>(CHART_JVM);
    jvm.addAll(extraJvm);
    operatorArgs =
        options.getOrDefault("operator-args", "").isBlank()
            ? List.of()
            : List.of(options.get("operator-args").split(" "));
    work = Path.of(options.getOrDefault("work", "testenv/target/bench")).toAbsolutePath();
    logRequests = Boolean.parseBoolean(options.getOrDefault("log-requests", "true"));
    variants =
        options.getOrDefault("variants", "").isBlank()
            ? List.of()
            : List.of(options.get("variants").split(";"));
  }

  public static void main(String[] args) throws Exception {
    var options = new LinkedHashMap<String, String>();
    for (var a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        System.err.println(
            """
            usage: testenv/bench [--migrations=1000] [--namespaces=10] [--latency-samples=100]
                                 [--jvm='-XX:...'] [--operator-args='...'] [--work=testenv/target/bench]
                                 [--log-requests=true] [--variants='JVM options;ENV=x JVM options;...']
            --jvm adds operator JVM options after the chart's; --log-requests=false leaves out the
            request log (and api_requests_per_reconcile); --latency-samples=0 skips that phase;
            --variants measures the operator's memory over the N Ready with each set of options.
            Prints name=value lines on stdout; progress on stderr.\
            """);
        return;
      }
      var kv = a.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    var bench = new Bench(options);
    try {
      bench.run();
    } finally {
      bench.close();
    }
    System.exit(0);
  }

  void run() throws Exception {
    machine();
    Files.createDirectories(work);
    progress("starting the control plane in " + work);
    plane = ControlPlane.start(work); // with the CRD and the chart's pod admission policy
    client = plane.client();
    // Established is not quite served: the first list may still answer 404 for a moment.
    await(
        "SchemaMigrations served",
        Duration.ofSeconds(30),
        () -> {
          try {
            client.resources(SchemaMigration.class).inAnyNamespace().list();
            return true;
          } catch (RuntimeException e) {
            return false;
          }
        });
    createNamespace(LEASE_NAMESPACE);
    put("kubernetes_version", client.getKubernetesVersion().getGitVersion());

    try (var watch = new Watch(client)) {
      scaleAndColdStart(watch);
    }
  }

  // --- phases -----------------------------------------------------------------------------------

  void scaleAndColdStart(Watch watch) throws Exception {
    var apps = new ArrayList<App>();
    for (int n = 0; n < namespaces; n++) {
      var ns = "bench-" + n;
      createNamespace(ns);
      for (int i = n; i < migrations; i += namespaces) {
        apps.add(new App(ns, "app-%04d".formatted(i)));
      }
    }
    progress(
        "creating "
            + apps.size()
            + " SchemaMigrations, ConfigMaps and Deployments in "
            + namespaces
            + " namespaces");
    var created = System.nanoTime();
    parallel(apps, this::create);
    progress(
        "created in %.1f s; letting the controller-manager settle"
            .formatted(seconds(System.nanoTime() - created)));
    await(
        "ReplicaSets of every Deployment",
        Duration.ofMinutes(5),
        () -> client.apps().replicaSets().inAnyNamespace().list().getItems().size() >= apps.size());
    Thread.sleep(3000);

    watch.completePods(true);
    var loadBefore = loadAverage();
    var log = work.resolve("operator-cold.log");
    Files.deleteIfExists(log);
    var jvmCold = new ArrayList<>(jvm);
    if (logRequests) {
      jvmCold.add(LOG_REQUESTS);
    }
    progress(
        "starting the operator: "
            + OperatorProcess.jar().getFileName()
            + " "
            + String.join(" ", jvmCold));
    var cpuBefore = Cpu.snapshot();
    var apiBefore = apiserverRequests();
    try (var operator = startOperator(jvmCold, log)) {
      var start = System.nanoTime();
      var ready = watch.awaitReady(apps.size(), Duration.ofMinutes(10));
      put("cold_start_all_ready_s", "%.2f".formatted(seconds(ready - start)));
      put("cold_start_load_average", loadBefore + " -> " + loadAverage());
      // Where the machine's time went meanwhile: CPU seconds of each process, and what the API
      // server served (everyone's requests: operator, controller-manager, this bench).
      put("cold_start_cpu_s", Cpu.snapshot().since(cpuBefore, operator.pid()));
      var apiRequests = apiserverRequests() - apiBefore;
      put(
          "cold_start_apiserver_requests",
          "%.0f (%.0f/s)".formatted(apiRequests, apiRequests / seconds(ready - start)));
      memory("", operator);
      var metrics = operator.metrics();
      var reconciles = reconciles(metrics);
      put("cold_start_reconciles", "%.0f".formatted(reconciles));
      if (logRequests) {
        var requests = requests(log);
        var total = requests.values().stream().mapToInt(Integer::intValue).sum();
        put("cold_start_api_requests", Integer.toString(total));
        put("api_requests_per_reconcile", "%.2f".formatted(total / reconciles));
        put("api_requests_per_migration", "%.2f".formatted(total / (double) apps.size()));
        put("cold_start_api_requests_by_kind", requests.toString());
      }
      Thread.sleep(5000);
      memory("_settled", operator);
      put("cold_start_reconciles_after_5s", "%.0f".formatted(reconciles(operator.metrics())));

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

    // Restart over N Ready SchemaMigrations, no request log: this operator serves the latency
    // phase.
    var restartLog = work.resolve("operator-restart.log");
    Files.deleteIfExists(restartLog);
    try (var operator = startOperator(jvm, restartLog)) {
      var start = System.nanoTime();
      operator.awaitReady(Duration.ofMinutes(2));
      put("restart_readyz_s", "%.2f".formatted(seconds(System.nanoTime() - start)));
      // Every SchemaMigration is reconciled once at start, once this process holds the Lease (the
      // previous holder's Lease has to expire first: JOSDK does not release it on stop).
      await(
          "the restarted operator's first reconcile of all " + apps.size(),
          Duration.ofMinutes(2),
          () -> reconcilesQuietly(operator) >= apps.size());
      put("restart_all_reconciled_s", "%.2f".formatted(seconds(System.nanoTime() - start)));
      awaitQuiet(operator, Duration.ofSeconds(60));
      put("restart_reconciles", "%.0f".formatted(reconciles(operator.metrics())));
      memory("_restart", operator);
      if (latencySamples > 0) {
        latency(watch, operator);
        memory("_after_latency", operator);
      }
      operator.terminate(Duration.ofSeconds(20));
    }
    for (int v = 0; v < variants.size(); v++) {
      variant(v, variants.get(v), apps.size());
    }
  }

  /**
   * Memory with other JVM options (after the chart's), over the same N Ready SchemaMigrations: a
   * restart, its first reconcile of all N, then 10 s of quiet.
   */
  void variant(int n, String options, int count) throws Exception {
    var jvmOptions = new ArrayList<>(CHART_JVM);
    var env = new LinkedHashMap<String, String>();
    for (var o : options.split(" ")) {
      if (o.matches("[A-Z_]+=.*")) {
        env.put(o.substring(0, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
      } else if (!o.isBlank()) {
        jvmOptions.add(o);
      }
    }
    var name = "variant" + n;
    put(name, options);
    try (var operator = startOperator(jvmOptions, env, work.resolve(name + ".log"))) {
      var start = System.nanoTime();
      await(
          name + "'s first reconcile of all " + count,
          Duration.ofMinutes(2),
          () -> reconcilesQuietly(operator) >= count);
      put(name + "_all_reconciled_s", "%.2f".formatted(seconds(System.nanoTime() - start)));
      Thread.sleep(10_000);
      memory("_" + name, operator);
      operator.terminate(Duration.ofSeconds(20));
    }
  }

  /** Sum of apiserver_request_total on the API server's /metrics. */
  double apiserverRequests() {
    return OperatorProcess.sum(client.raw("/metrics"), "apiserver_request_total");
  }

  /** CPU time (user + system) of this JVM and of its child processes, from /proc/PID/stat. */
  record Cpu(Map<String, Double> seconds) {
    static Cpu snapshot() {
      var all = new LinkedHashMap<String, Double>();
      var self = ProcessHandle.current();
      all.put("bench", ticks(self.pid()));
      self.descendants()
          .forEach(
              p -> {
                var command =
                    p.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?");
                if (!command.equals("bash") && !command.equals("sleep")) {
                  all.merge(
                      command.equals("java") ? "java:" + p.pid() : command,
                      ticks(p.pid()),
                      Double::sum);
                }
              });
      return new Cpu(all);
    }

    static double ticks(long pid) {
      try {
        var stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
            / 100.0; // utime + stime, USER_HZ
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    String since(Cpu before, long operatorPid) {
      var parts = new ArrayList<String>();
      seconds.forEach(
          (k, v) -> {
            var name = k.equals("java:" + operatorPid) ? "operator" : k;
            if (!k.startsWith("java:") || name.equals("operator")) {
              parts.add("%s %.1f".formatted(name, v - before.seconds().getOrDefault(k, 0.0)));
            }
          });
      return String.join(", ", parts);
    }
  }

  /**
   * Migrations one at a time, with the operator holding the N others: create the app, wait for its
   * Job's pod (held at 0), complete the pod, and take the interval between this bench's watch
   * seeing the Job Complete and seeing the Deployment scaled.
   */
  void latency(Watch watch, OperatorProcess operator) throws Exception {
    var ns = "bench-latency";
    createNamespace(ns);
    var apps = new ArrayList<App>();
    for (int i = 0; i < latencySamples; i++) {
      apps.add(new App(ns, "rel-%03d".formatted(i)));
    }
    progress("release latency: " + apps.size() + " migrations, one at a time");
    parallel(apps, this::create);
    await(
        "Jobs' pods of " + apps.size() + " new migrations",
        Duration.ofMinutes(2),
        () -> apps.stream().allMatch(a -> watch.pendingPod(a) != null && watch.heldAtZero(a)));
    var loadBefore = loadAverage();
    var samples = new ArrayList<Double>();
    var endToEnd = new ArrayList<Double>();
    for (var app : apps) {
      var pod = watch.pendingPod(app);
      var written = System.nanoTime();
      PodTermination.write(client, pod, 0, null);
      // Both stamps: the Job's and the Deployment's events come on two watches, in either order.
      await(
          "release of " + app,
          Duration.ofSeconds(30),
          () -> watch.released(app) != null && watch.jobComplete(app) != null);
      var complete = watch.jobComplete(app);
      var released = watch.released(app);
      samples.add((released - complete) / 1e6);
      endToEnd.add((released - written) / 1e6);
      Thread.sleep(50);
    }
    put("release_latency_p50_ms", "%.1f".formatted(percentile(samples, 50)));
    put("release_latency_p99_ms", "%.1f".formatted(percentile(samples, 99)));
    put("release_latency_max_ms", "%.1f".formatted(percentile(samples, 100)));
    put("pod_succeeded_to_release_p50_ms", "%.1f".formatted(percentile(endToEnd, 50)));
    put("pod_succeeded_to_release_p99_ms", "%.1f".formatted(percentile(endToEnd, 99)));
    put("release_latency_load_average", loadBefore + " -> " + loadAverage());
    put("latency_phase_reconciles_total", "%.0f".formatted(reconciles(operator.metrics())));
  }

  // --- measurements -----------------------------------------------------------------------------

  void memory(String suffix, OperatorProcess operator) throws Exception {
    var metrics = operator.metrics();
    put("operator_rss_mib" + suffix, "%.1f".formatted(operator.rssKib().orElse(-1) / 1024.0));
    put(
        "heap_used_mib" + suffix,
        "%.1f"
            .formatted(
                OperatorProcess.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"")
                    / (1024 * 1024)));
    put(
        "heap_committed_mib" + suffix,
        "%.1f"
            .formatted(
                OperatorProcess.sum(metrics, "jvm_memory_committed_bytes", "area=\"heap\"")
                    / (1024 * 1024)));
    put(
        "nonheap_used_mib" + suffix,
        "%.1f"
            .formatted(
                OperatorProcess.sum(metrics, "jvm_memory_used_bytes", "area=\"nonheap\"")
                    / (1024 * 1024)));
    put(
        "jvm_threads" + suffix,
        "%.0f".formatted(OperatorProcess.sum(metrics, "jvm_threads_live_threads")));
    put("operator_cpu_s" + suffix, "%.1f".formatted(Cpu.ticks(operator.pid())));
    // Old generation after the last major GC: the live set, garbage not counted.
    put(
        "heap_live_after_gc_mib" + suffix,
        "%.1f"
            .formatted(
                OperatorProcess.sum(metrics, "jvm_gc_live_data_size_bytes") / (1024 * 1024)));
  }

  /** Reconciles executed, from JOSDK's Micrometer metrics: operator.sdk.reconciliations.started. */
  static double reconciles(String metrics) {
    return OperatorProcess.sum(metrics, "operator_sdk_reconciliations_started_total");
  }

  /**
   * The operator's requests from its JDK HttpClient log, by method and resource path (names
   * dropped).
   */
  static Map<String, Integer> requests(Path log) throws IOException {
    var counts = new java.util.TreeMap<String, Integer>();
    for (var line : Files.readAllLines(log)) {
      var m = REQUEST_LINE.matcher(line);
      if (m.find()) {
        var uri = java.net.URI.create(m.group(1));
        var kind =
            m.group(2)
                + " "
                + resourceOf(uri.getPath())
                + (uri.getQuery() != null && uri.getQuery().contains("watch=true")
                    ? " (watch)"
                    : "");
        counts.merge(kind, 1, Integer::sum);
      }
    }
    return counts;
  }

  /**
   * /api/v1/namespaces/ns/pods/name/status -> pods/status; /apis/g/v/namespaces/ns/jobs -> jobs.
   */
  static String resourceOf(String path) {
    var parts = new ArrayList<>(Arrays.asList(path.split("/")));
    parts.removeIf(String::isEmpty);
    int i = parts.get(0).equals("api") ? 2 : 3;
    if (parts.size() > i && parts.get(i).equals("namespaces") && parts.size() > i + 2) {
      i += 2;
    }
    if (parts.size() <= i) {
      return path;
    }
    var resource = parts.get(i);
    return parts.size() > i + 2 ? resource + "/" + parts.get(i + 2) : resource;
  }

  static double reconcilesQuietly(OperatorProcess operator) {
    try {
      return reconciles(operator.metrics());
    } catch (Exception e) {
      return 0;
    }
  }

  /** Waits until the operator's reconcile count stops moving for 2 s. */
  static void awaitQuiet(OperatorProcess operator, Duration timeout) throws Exception {
    var deadline = System.nanoTime() + timeout.toNanos();
    double last = -1;
    while (System.nanoTime() < deadline) {
      var now = reconciles(operator.metrics());
      if (now == last) {
        return;
      }
      last = now;
      Thread.sleep(2000);
    }
  }

  // --- setup ------------------------------------------------------------------------------------

  record App(String namespace, String name) {
    String configMap() {
      return name + "-sql";
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  void create(App app) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(app.configMap())
                .withNamespace(app.namespace())
                .endMetadata()
                .withData(
                    Map.of(
                        "V1__init.sql",
                        "create table " + app.name().replace('-', '_') + " (id int primary key);"))
                .build())
        .create();
    var labels = Map.of("app.kubernetes.io/name", app.name());
    // No replicas, as the README asks: SchemaGate owns that field (Kubernetes starts it at 1).
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(app.name())
                .withNamespace(app.namespace())
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("bench-app:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    var spec = new SchemaMigrationSpec();
    spec.setTarget(new Target(app.name()));
    var database = new Database();
    database.setUrlSecretRef(new SecretKeyRef(app.name() + "-db", "url"));
    spec.setDatabase(database);
    var flyway = new FlywaySource();
    flyway.setConfigMapRef(new ConfigMapRef(app.configMap()));
    spec.setFlyway(flyway);
    var migration = new SchemaMigration();
    migration.getMetadata().setName(app.name());
    migration.getMetadata().setNamespace(app.namespace());
    migration.setSpec(spec);
    client.resource(migration).create();
  }

  OperatorProcess startOperator(List<String> jvmOptions, Path log) throws IOException {
    return startOperator(jvmOptions, Map.of(), log);
  }

  /** The operator as the chart runs it (its args and env), with these JVM options and extra env. */
  OperatorProcess startOperator(List<String> jvmOptions, Map<String, String> extraEnv, Path log)
      throws IOException {
    var args = new ArrayList<>(CHART.args());
    args.addAll(operatorArgs);
    var env = new LinkedHashMap<>(CHART.env());
    env.putAll(extraEnv);
    env.put("POD_NAMESPACE", LEASE_NAMESPACE);
    return OperatorProcess.start(plane.kubeconfig(), jvmOptions, args, env, log);
  }

  void createNamespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    // The serviceaccount controller makes "default"; pods need none here (admission plugin off).
  }

  <T> void parallel(List<T> items, java.util.function.Consumer<T> action) throws Exception {
    var futures = items.stream().map(i -> writers.submit(() -> action.accept(i))).toList();
    for (var f : futures) {
      f.get(5, TimeUnit.MINUTES);
    }
  }

  // --- the bench's own watches ------------------------------------------------------------------

  /**
   * Informers on Jobs, migration pods, Deployments and SchemaMigrations in every namespace.
   * Handlers stamp System.nanoTime() when they see a Job Complete, a Deployment's replicas set, a
   * SchemaMigration Ready; with completion on, they play the kubelet for each new migration pod.
   */
  static final class Watch implements AutoCloseable {
    final KubernetesClient client;
    final ExecutorService kubelet = Executors.newFixedThreadPool(4);
    final Map<String, Long> jobComplete = new ConcurrentHashMap<>();
    final Map<String, Long> released = new ConcurrentHashMap<>();
    final Map<String, Integer> replicas = new ConcurrentHashMap<>();
    final Set<String> ready = ConcurrentHashMap.newKeySet();
    final Set<String> completed = ConcurrentHashMap.newKeySet();
    final Map<String, Pod> pending = new ConcurrentHashMap<>();
    final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    volatile boolean complete;
    volatile long allReadyAt;
    volatile int wanted = Integer.MAX_VALUE;

    Watch(KubernetesClient client) {
      this.client = client;
      informers.add(
          client
              .batch()
              .v1()
              .jobs()
              .inAnyNamespace()
              .withLabel(MigrationJob.MANAGED_BY_LABEL, MigrationJob.MANAGED_BY)
              .inform(handler(this::onJob)));
      informers.add(
          client
              .pods()
              .inAnyNamespace()
              .withLabel(MigrationJob.MANAGED_BY_LABEL, MigrationJob.MANAGED_BY)
              .inform(handler(this::onPod)));
      informers.add(
          client.apps().deployments().inAnyNamespace().inform(handler(this::onDeployment)));
      informers.add(
          client
              .resources(SchemaMigration.class)
              .inAnyNamespace()
              .inform(handler(this::onMigration)));
    }

    static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> on) {
      return new ResourceEventHandler<>() {
        @Override
        public void onAdd(T obj) {
          on.accept(obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
          on.accept(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
      };
    }

    static String key(String namespace, String name) {
      return namespace + "/" + name;
    }

    void onJob(Job job) {
      var now = System.nanoTime();
      var done =
          job.getStatus() != null
              && job.getStatus().getConditions() != null
              && job.getStatus().getConditions().stream()
                  .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
      if (done) {
        var instance = job.getMetadata().getLabels().get(MigrationJob.INSTANCE_LABEL);
        jobComplete.putIfAbsent(key(job.getMetadata().getNamespace(), instance), now);
      }
    }

    void onPod(Pod pod) {
      var instance = pod.getMetadata().getLabels().get(MigrationJob.INSTANCE_LABEL);
      var key = key(pod.getMetadata().getNamespace(), instance);
      var phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (!"Pending".equals(phase) || pod.getMetadata().getDeletionTimestamp() != null) {
        return;
      }
      pending.put(key, pod);
      if (complete && completed.add(pod.getMetadata().getUid())) {
        kubelet.submit(
            () -> {
              try {
                PodTermination.write(client, pod, 0, null);
              } catch (RuntimeException e) {
                completed.remove(pod.getMetadata().getUid());
                progress(
                    "could not complete pod "
                        + pod.getMetadata().getName()
                        + ": "
                        + e.getMessage());
              }
            });
      }
    }

    void onDeployment(Deployment d) {
      var now = System.nanoTime();
      var key = key(d.getMetadata().getNamespace(), d.getMetadata().getName());
      var r = d.getSpec().getReplicas();
      var previous = r == null ? null : replicas.put(key, r);
      if (r != null && r > 0 && previous != null && previous == 0) {
        released.putIfAbsent(key, now);
      }
    }

    void onMigration(SchemaMigration m) {
      var now = System.nanoTime();
      var isReady =
          m.getStatus() != null
              && m.getStatus().getConditions() != null
              && m.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      if (isReady
          && ready.add(key(m.getMetadata().getNamespace(), m.getMetadata().getName()))
          && ready.size() >= wanted
          && allReadyAt == 0) {
        allReadyAt = now;
      }
    }

    void completePods(boolean on) {
      complete = on;
      if (on) {
        pending.values().forEach(this::onPod);
      }
    }

    /** Blocks until n SchemaMigrations are Ready; returns the nanoTime the last one was seen. */
    long awaitReady(int n, Duration timeout) throws InterruptedException {
      wanted = n;
      allReadyAt = ready.size() >= n ? System.nanoTime() : 0;
      var deadline = System.nanoTime() + timeout.toNanos();
      var lastReport = System.nanoTime();
      while (allReadyAt == 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only " + ready.size() + " of " + n + " Ready after " + timeout);
        }
        if (System.nanoTime() - lastReport > 5e9) {
          progress(
              "  " + ready.size() + "/" + n + " Ready, " + jobComplete.size() + " Jobs complete");
          lastReport = System.nanoTime();
        }
        Thread.sleep(10);
      }
      return allReadyAt;
    }

    Pod pendingPod(App app) {
      return pending.get(key(app.namespace(), app.name()));
    }

    boolean heldAtZero(App app) {
      var r = replicas.get(key(app.namespace(), app.name()));
      return r != null && r == 0;
    }

    Long jobComplete(App app) {
      return jobComplete.get(key(app.namespace(), app.name()));
    }

    Long released(App app) {
      return released.get(key(app.namespace(), app.name()));
    }

    @Override
    public void close() {
      informers.forEach(SharedIndexInformer::close);
      kubelet.shutdownNow();
    }
  }

  // --- output -----------------------------------------------------------------------------------

  void machine() throws IOException {
    put("machine_cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    var cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.replaceFirst(".*:\\s*", ""))
            .orElse("?");
    put("machine_cpu", cpu);
    var mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("[^0-9]", "");
    put("machine_memory_mib", Long.toString(Long.parseLong(mem) / 1024));
    put(
        "java_version",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    put("josdk_version", implementationVersion(io.javaoperatorsdk.operator.Operator.class));
    put("fabric8_version", implementationVersion(KubernetesClient.class));
    put("operator_jar", OperatorProcess.jar().getFileName().toString());
    put(
        "operator_args",
        String.join(" ", CHART.args())
            + (operatorArgs.isEmpty() ? "" : " " + String.join(" ", operatorArgs)));
    put("operator_env", CHART.env().toString());
    put("operator_jvm_options", String.join(" ", jvm));
    put("load_average_at_start", loadAverage());
  }

  /**
   * The operator container of `helm template charts/schemagate` with its defaults: its args (less
   * `operator` and --health-port, which OperatorProcess sets), its plain env values, and its
   * JAVA_TOOL_OPTIONS in a JVM that sees the container's memory limit as its RAM (-XX:MaxRAM). In a
   * container that limit also makes the JVM's ergonomics pick SerialGC below 1792 MiB, which
   * -XX:MaxRAM does not, so the bench says it when the chart does not.
   */
  record ChartRun(List<String> args, Map<String, String> env, List<String> jvm) {
    static ChartRun render() {
      var chart = Binaries.repoRoot().resolve("charts/schemagate");
      try {
        var helm =
            new ProcessBuilder(
                    Binaries.of("helm").toString(),
                    "template",
                    "bench",
                    chart.toString(),
                    "--show-only",
                    "templates/deployment.yaml")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        var yaml =
            new String(
                helm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (helm.waitFor() != 0) {
          throw new IllegalStateException("helm template " + chart + " failed");
        }
        var deployment =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(yaml, Deployment.class);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        var args =
            container.getArgs().stream()
                .filter(a -> !a.equals("operator") && !a.startsWith("--health-port="))
                .toList();
        var env = new LinkedHashMap<String, String>();
        var jvm = new ArrayList<String>();
        for (var e : container.getEnv()) {
          if (e.getName().equals("JAVA_TOOL_OPTIONS")) {
            jvm.addAll(List.of(e.getValue().trim().split("\\s+")));
          } else if (e.getValue() != null) {
            env.put(e.getName(), e.getValue());
          }
        }
        var limit = container.getResources().getLimits().get("memory");
        long mib = limit.getNumericalAmount().longValue() / (1024 * 1024);
        jvm.add("-XX:MaxRAM=" + mib + "m");
        if (mib < 1792 && jvm.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
          jvm.add("-XX:+UseSerialGC");
        }
        jvm.removeIf(String::isBlank);
        return new ChartRun(List.copyOf(args), Map.copyOf(env), List.copyOf(jvm));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static String implementationVersion(Class<?> type) {
    var v = type.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    // Fall back to the jar's file name (…/artifact-1.2.3.jar).
    var location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    return Path.of(location).getFileName().toString().replaceAll("^.*?-(\\d[^/]*)\\.jar$", "$1");
  }

  static String loadAverage() {
    try {
      var parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }

  void put(String name, String value) {
    results.put(name, value);
    System.out.println(name + "=" + value);
    System.out.flush();
  }

  static void progress(String message) {
    System.err.println("[bench] " + message);
  }

  static double percentile(List<Double> values, int p) {
    var sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size()); // nearest rank
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  void close() {
    writers.shutdownNow();
    if (client != null) {
      client.close();
    }
    if (plane != null) {
      plane.close();
    }
  }
}
