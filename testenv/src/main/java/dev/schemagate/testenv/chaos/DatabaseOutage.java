package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.bench.Output;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Database outages, for one app with the operator running throughout: PostgreSQL stopped (as a
 * crash) while a script runs; unreachable when a Job starts; and a migration pod SIGKILLed
 * mid-script with the server up. Each time: the SchemaMigration ends Stalled with the runner's
 * one-line message (never a stack trace), Flyway's history matches what the scripts wrote (nothing
 * half-applied), no advisory lock stays held, and the retry annotation completes it.
 */
final class DatabaseOutage implements Part {
  private static final String NAMESPACE = "chaos-db";

  @Override
  public String name() {
    return "db";
  }

  @Override
  public void run(ChaosContext context) throws Exception {
    var client = context.client;
    var postgres = LocalPostgres.shared();
    try (var node = context.namespaceWithNode(NAMESPACE);
        var recorder = new Recorder(client, NAMESPACE);
        var operator = context.startOperator("schemagate-db", "db-operator.log")) {
      var app = context.createApps(NAMESPACE, 1).get(0);
      require(Streams.awaitReady(client, List.of(app), 1, Duration.ofMinutes(3)), "first install");

      // 1. The server crashes while revision 2's script sleeps.
      Streams.bump(client, app, 2, false);
      awaitScriptRunning(app);
      postgres.stopServer();
      var mid = awaitStalled(client, app, 2);
      postgres.startServer();
      put("db_crash_mid_script_message", quoted(mid));
      checkConsistent(context, app, "crash mid-script");
      retry(context, app, 2, "crash mid-script");

      // 2. The server is down when revision 3's Job starts: the runner's cannot-connect exit.
      postgres.stopServer();
      Streams.bump(client, app, 3, false);
      var down = awaitStalled(client, app, 3);
      put("db_unreachable_exit_code", "" + exitCode(client, app, 3));
      put("db_unreachable_message", quoted(down));
      // One line, never a stack trace (an exception's name in parentheses is the runner's detail).
      put("db_stalled_messages_one_line", "" + (oneLine(mid) && oneLine(down)));
      postgres.startServer();
      checkConsistent(context, app, "unreachable at start");
      retry(context, app, 3, "unreachable at start");

      // 3. The migration pod SIGKILLed mid-script, the server up: its session's lock must go.
      Streams.bump(client, app, 4, false);
      var runner = awaitRunner(context);
      awaitScriptRunning(app);
      var killedMidScript = runner.isAlive();
      runner.destroyForcibly();
      put("db_runner_killed_mid_script", "" + killedMidScript);
      var killed = System.nanoTime();
      while (advisoryLocks(app) > 0 && System.nanoTime() - killed < 30_000_000_000L) {
        Thread.sleep(50);
      }
      put("db_advisory_locks_after_kill", "" + advisoryLocks(app));
      put("db_advisory_lock_released_s", "%.2f".formatted((System.nanoTime() - killed) / 1e9));
      awaitStalled(client, app, 4);
      checkConsistent(context, app, "runner killed");
      retry(context, app, 4, "runner killed");

      context.judge(name(), recorder.history(ChaosContext.databases(List.of(app))));
      if (!operator.isAlive()) {
        context.operatorCrashes.incrementAndGet();
        Output.progress("db: the operator exited; see " + operator.log());
      }
    }
  }

  private static void require(List<String> notReady, String what) {
    if (!notReady.isEmpty()) {
      throw new IllegalStateException("not Ready after " + what + ": " + notReady);
    }
  }

  /** Sets the retry annotation; the revision must then end Ready (a not-Ready one is tallied). */
  private static void retry(ChaosContext context, ChaosApp app, int revision, String after)
      throws InterruptedException {
    var client = context.client;
    var start = System.nanoTime();
    client
        .resources(SchemaMigration.class)
        .inNamespace(app.namespace())
        .withName(app.name())
        .edit(
            m -> {
              m.getMetadata()
                  .getAnnotations()
                  .put(SchemaMigration.RETRY_ANNOTATION, after.replace(' ', '-'));
              return m;
            });
    var notReady = Streams.awaitReady(client, List.of(app), revision, Duration.ofMinutes(3));
    if (!notReady.isEmpty()) {
      Output.progress("db: the retry after " + after + " did not end Ready");
      context.notReadyAtEnd.incrementAndGet();
    }
    Output.progress(
        "db: retried after %s: Ready in %.2f s"
            .formatted(after, (System.nanoTime() - start) / 1e9));
  }

  /** Waits until the script of the app's database runs (pg_sleep in pg_stat_activity). */
  private static void awaitScriptRunning(ChaosApp app) throws Exception {
    var deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (count(
              app,
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  + " AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()")
          > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(app.migration() + ": no script running 3 min after the bump");
  }

  private static long advisoryLocks(ChaosApp app) throws SQLException {
    return count(
        app,
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
            + " WHERE l.locktype = 'advisory' AND d.datname = current_database()");
  }

  private static long count(ChaosApp app, String sql) throws SQLException {
    try (var db = LocalPostgres.connect(app.databaseUrl());
        var rows = db.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * Flyway's history against the counter table: every successful version wrote its mark once, no
   * mark lacks its version, and no failed row is left behind. A mismatch is half-applied work.
   */
  private static void checkConsistent(ChaosContext context, ChaosApp app, String after)
      throws SQLException {
    try (var db = LocalPostgres.connect(app.databaseUrl());
        var rows =
            db.createStatement()
                .executeQuery(
                    "SELECT (SELECT string_agg('V' || version, ',' ORDER BY installed_rank)"
                        + "  FROM flyway_schema_history WHERE success AND version IS NOT NULL),"
                        + " (SELECT string_agg(mark, ',' ORDER BY mark) FROM "
                        + ChaosApp.COUNTER_TABLE
                        + "),"
                        + " (SELECT count(*) FROM flyway_schema_history WHERE NOT success)")) {
      rows.next();
      var versions = List.of(rows.getString(1).split(",")).stream().sorted().toList();
      var marks = List.of(rows.getString(2).split(","));
      var failedRows = rows.getLong(3);
      var consistent = versions.equals(marks) && failedRows == 0;
      put("db_history_consistent_after_" + after.replace(' ', '_'), "" + consistent);
      if (!consistent) {
        Output.progress(
            "db: after "
                + after
                + ": Flyway "
                + versions
                + ", marks "
                + marks
                + ", failed rows "
                + failedRows);
        context.duplicateRuns.add(app.migration() + ": history inconsistent after " + after);
      }
    }
  }

  /** The Stalled message once the SchemaMigration is Stalled for image {@code revision}. */
  private static String awaitStalled(KubernetesClient client, ChaosApp app, int revision)
      throws InterruptedException {
    var image = ChaosApp.image(revision);
    var deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      var m = ChaosContext.migration(client, app);
      if (m != null && m.getStatus() != null && image.equals(m.getStatus().getImage())) {
        var stalled =
            m.getStatus().getConditions().stream()
                .filter(c -> "Stalled".equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
        if (stalled.isPresent()) {
          return stalled.get().getMessage();
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(app.migration() + " not Stalled for " + image);
  }

  /** The exit code of the last migration pod of the Job for image {@code revision}. */
  private static int exitCode(KubernetesClient client, ChaosApp app, int revision) {
    var job =
        client.batch().v1().jobs().inNamespace(app.namespace()).list().getItems().stream()
            .filter(j -> !dev.schemagate.job.RehearsalJob.isRehearsal(j.getMetadata().getLabels()))
            .filter(
                j ->
                    ChaosApp.image(revision)
                        .equals(
                            j.getMetadata()
                                .getAnnotations()
                                .get(dev.schemagate.job.MigrationJob.IMAGE_ANNOTATION)))
            .findFirst()
            .orElseThrow();
    return client
        .pods()
        .inNamespace(app.namespace())
        .withLabel("job-name", job.getMetadata().getName())
        .list()
        .getItems()
        .stream()
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .filter(c -> c.getState().getTerminated() != null)
        .mapToInt(c -> c.getState().getTerminated().getExitCode())
        .findFirst()
        .orElse(-1);
  }

  /**
   * The migration runner this part's local node runs, once it has started: the node's wrapper
   * writes each container's pid into runs/ (setsid execs in place there), and the runner's
   * arguments are {@code migrate} and a --termination-log under the node's directory. They are read
   * from /proc: ProcessHandle.Info has no arguments for so long a command line (its classpath).
   */
  private static ProcessHandle awaitRunner(ChaosContext context) throws Exception {
    var nodeDir = context.work().resolve("node-" + NAMESPACE);
    var deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      List<Long> pids;
      try (var files =
          Files.find(nodeDir.resolve("runs"), 2, (f, a) -> f.toString().endsWith(".pid"))) {
        pids = files.map(DatabaseOutage::pid).toList();
      }
      for (var pid : pids) {
        var args = arguments(pid);
        if (args.contains("migrate")
            && args.stream().anyMatch(a -> a.startsWith(nodeDir.toString()))) {
          var runner = ProcessHandle.of(pid);
          if (runner.isPresent() && runner.get().isAlive()) {
            return runner.get();
          }
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no migration runner under " + nodeDir + " after 3 min");
  }

  private static long pid(Path file) {
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static List<String> arguments(long pid) {
    try {
      var cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
      return List.of(cmdline.split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean oneLine(String message) {
    return !message.contains("\n") && !message.contains("\tat ");
  }

  private static String quoted(String message) {
    return "\"" + message.replace("\"", "'").replace("\n", " ") + "\"";
  }
}
