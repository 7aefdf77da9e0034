package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.bench.RequestLog;
import dev.schemagate.testenv.chaos.FuzzAnswer.Verdict;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Hostile SchemaMigrations sent to a real API server, with the operator (its jar, in a JVM of its
 * own) watching their namespace: each document is either refused with a message that names the
 * damaged field, or stored and brought by the operator to a terminal condition (Ready or Stalled),
 * with one status write per transition and none once quiet, and the operator never dies.
 *
 * <p>{@code java -cp ... dev.schemagate.testenv.chaos.FuzzRun [--quick] [--documents=1000]
 * [--seed=N] [--work=testenv/target/fuzz]}; prints {@code name=value} lines.
 */
public final class FuzzRun implements Part {
  static final long DEFAULT_SEED = 20261201L;
  static final String NAMESPACE = "fuzz";

  /** The fuzzed operator's log, in the work directory; its request log is always on. */
  static final String LOG = "fuzz-operator.log";

  private static final Duration QUIET = Duration.ofSeconds(10);

  FuzzRun() {}

  @Override
  public String name() {
    return "fuzz";
  }

  @Override
  public void run(ChaosContext context) throws Exception {
    context.requestLogs.add(context.options.work().resolve(LOG));
    context.operatorCrashes.addAndGet(
        run(
            context.cluster.plane(),
            context.options.work(),
            context.options.seed(),
            context.options.documents()));
  }

  public static void main(String[] args) {
    int exit = 0;
    try {
      var options = new HashMap<String, String>();
      for (var a : args) {
        var kv = a.replaceFirst("^--", "").split("=", 2);
        options.put(kv[0], kv.length == 2 ? kv[1] : "true");
      }
      var quick = options.containsKey("quick");
      var count = Integer.parseInt(options.getOrDefault("documents", quick ? "100" : "1000"));
      var seed = Long.parseLong(options.getOrDefault("seed", "" + DEFAULT_SEED));
      var work = Path.of(options.getOrDefault("work", "testenv/target/fuzz")).toAbsolutePath();
      Files.createDirectories(work);
      try (var plane = ControlPlane.start(work, ControlPlane.Options.defaults())) {
        put("operator_crashes", "" + run(plane, work, seed, count));
      }
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    }
    // Informer and HTTP client threads would keep the JVM up.
    System.exit(exit);
  }

  /**
   * Fuzzes a namespace of its own on this plane with an operator of its own.
   *
   * @return how many times that operator died (0 or 1)
   */
  public static int run(ControlPlane plane, Path work, long seed, int count) throws Exception {
    var client = plane.client();
    awaitServed(client);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    var log = work.resolve(LOG);
    Files.deleteIfExists(log);
    try (var operator =
        OperatorProcess.start(
            plane.kubeconfig(),
            List.of(RequestLog.JVM_OPTION, "-Xmx256m"),
            List.of("--namespaces=" + NAMESPACE, "--runner-image=schemagate:fuzz"),
            Map.of("POD_NAMESPACE", NAMESPACE),
            log)) {
      operator.awaitReady(Duration.ofSeconds(120));
      put("fuzz_seed", "" + seed);
      var documents = FuzzDocuments.generate(seed, count);
      put("fuzz_documents", "" + documents.size());
      var verdicts = send(client, documents);

      var byVerdict = new EnumMap<Verdict, Integer>(Verdict.class);
      var byClass = new TreeMap<String, Integer>();
      var accepted = new ArrayList<FuzzDocument>();
      for (var d : documents) {
        var v = verdicts.get(d.index());
        byVerdict.merge(v, 1, Integer::sum);
        byClass.merge(
            d.kind().name().toLowerCase() + "_" + v.name().toLowerCase(), 1, Integer::sum);
        if (v == Verdict.ACCEPTED || v == Verdict.ACCEPTED_INVALID) {
          accepted.add(d);
        }
      }
      for (var v : Verdict.values()) {
        put("fuzz_" + v.name().toLowerCase(), "" + byVerdict.getOrDefault(v, 0));
      }
      byClass.forEach((k, v) -> put("fuzz_class_" + k, "" + v));
      put(
          "fuzz_rejected_with_field_message",
          "" + byVerdict.getOrDefault(Verdict.REJECTED_WITH_FIELD, 0));

      var terminal = awaitTerminal(client, accepted, Duration.ofSeconds(30 + accepted.size() / 5));
      put("fuzz_accepted_terminal", "" + terminal);
      put("fuzz_accepted_not_terminal", "" + (accepted.size() - terminal));

      var before = RequestLog.requests(Files.readAllLines(log)).size();
      Thread.sleep(QUIET.toMillis());
      var lines = Files.readAllLines(log);
      var requests = RequestLog.requests(lines);
      // Watches re-list now and then on their own; anything else while quiet is a loop.
      put(
          "fuzz_requests_while_quiet",
          "" + requests.subList(before, requests.size()).stream().filter(r -> !r.watch()).count());
      var writes = StatusWrites.perMigration(requests);
      put("fuzz_status_writes", "" + writes.values().stream().mapToInt(i -> i).sum());
      put(
          "fuzz_status_writes_max_per_migration",
          "" + writes.values().stream().mapToInt(i -> i).max().orElse(0));
      var crashes = ProcessHandle.of(operator.pid()).map(p -> p.isAlive() ? 0 : 1).orElse(1);
      put("fuzz_operator_crashes", "" + crashes);
      put(
          "operator_exceptions_logged",
          ""
              + lines.stream()
                  .filter(l -> l.contains("Exception") && !l.contains("REQUEST:"))
                  .count());
      return crashes;
    }
  }

  private static Map<Integer, Verdict> send(KubernetesClient client, List<FuzzDocument> documents)
      throws Exception {
    var http = client.getHttpClient();
    var url =
        client.getMasterUrl()
            + "apis/"
            + SchemaMigration.GROUP
            + "/"
            + SchemaMigration.VERSION
            + "/namespaces/"
            + NAMESPACE
            + "/schemamigrations?fieldValidation=Strict";
    var pool = Executors.newFixedThreadPool(4);
    try {
      var futures = new ArrayList<Future<Verdict>>();
      for (var d : documents) {
        futures.add(
            pool.submit(
                () -> {
                  int code;
                  String body;
                  try {
                    var request =
                        http.newHttpRequestBuilder()
                            .uri(url)
                            .post("application/json", d.json())
                            .build();
                    var response = http.sendAsync(request, String.class).get(2, TimeUnit.MINUTES);
                    code = response.code();
                    body = response.body();
                  } catch (Exception e) {
                    code = 0;
                    body = e.toString();
                  }
                  var verdict = FuzzAnswer.classify(d, code, body);
                  if (verdict != Verdict.ACCEPTED && verdict != Verdict.REJECTED_WITH_FIELD) {
                    progress(
                        "fuzz %d %s %s: %s %d %s"
                            .formatted(
                                d.index(),
                                d.kind(),
                                d.field(),
                                verdict,
                                code,
                                abbreviate(FuzzAnswer.message(body == null ? "" : body))));
                  }
                  return verdict;
                }));
      }
      var verdicts = new HashMap<Integer, Verdict>();
      for (int i = 0; i < documents.size(); i++) {
        verdicts.put(documents.get(i).index(), futures.get(i).get());
      }
      return verdicts;
    } finally {
      pool.shutdownNow();
    }
  }

  private static int awaitTerminal(
      KubernetesClient client, List<FuzzDocument> accepted, Duration timeout)
      throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    var names = accepted.stream().map(FuzzDocument::name).toList();
    int terminal = 0;
    while (true) {
      var stored = new HashMap<String, SchemaMigration>();
      client
          .resources(SchemaMigration.class)
          .inNamespace(NAMESPACE)
          .list()
          .getItems()
          .forEach(m -> stored.put(m.getMetadata().getName(), m));
      var notYet = new ArrayList<String>();
      terminal = 0;
      for (var name : names) {
        var m = stored.get(name);
        if (m != null
            && m.getStatus() != null
            && FuzzAnswer.terminal(
                m.getMetadata().getGeneration(), m.getStatus().getConditions())) {
          terminal++;
        } else {
          notYet.add(name);
        }
      }
      if (notYet.isEmpty() || System.nanoTime() > deadline) {
        if (!notYet.isEmpty()) {
          progress("not terminal after " + timeout + ": " + notYet);
        }
        return terminal;
      }
      Thread.sleep(500);
    }
  }

  private static void awaitServed(KubernetesClient client) throws InterruptedException {
    // Established is not quite served: the first list may still answer 404 for a moment.
    for (int i = 0; i < 600; i++) {
      try {
        client.resources(SchemaMigration.class).inAnyNamespace().list();
        return;
      } catch (RuntimeException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("SchemaMigrations not served after 30 s");
  }

  private static String abbreviate(String s) {
    var oneLine = s.replaceAll("\\s+", " ");
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
  }
}
