package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.OperatorProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration that needs an ACCESS EXCLUSIVE lock on {@code players} while a long transaction of
 * the live app holds a lock on it: the runner gives up each wait after lock_timeout, so the app's
 * reads queued behind it go on, retries, says what blocks it, and applies the migration once the
 * transaction ends. The runner runs as a Job's pod runs it, in a JVM of its own whose output is a
 * log file: what the operator reads.
 */
class LockTimeoutIT {
  private static final String V9 = "V9__add_player_nickname.sql";
  private static final String BLOCKER_QUERY =
      "UPDATE players SET first_name = 'Lebron' WHERE id = 1";
  private static final Duration LOCK_TIMEOUT = Duration.ofMillis(500);

  @TempDir Path tmp;

  @Test
  void theAppsReadsGoOnWhileTheRunnerRetriesAndReportsTheBlockerThenV9IsAppliedOnce()
      throws Exception {
    String url = databaseAtV8WithAPlayer();
    Path dir = withV9();
    try (Connection blocker = LocalPostgres.connect(url);
        var reads = new Reads(url)) {
      int blockerPid = holdALockOnPlayers(blocker);
      reads.start();

      var runner =
          Runner.start(tmp, url, dir, "--lock-timeout", "500ms", "--lock-retry-budget", "2m");
      try {
        // Two waits reported: it retried, and each time named the open transaction.
        await().atMost(Duration.ofSeconds(60)).until(() -> waitLines(runner.log()).size() >= 2);
        for (String line : waitLines(runner.log())) {
          assertThat(line)
              .startsWith(
                  "Waiting for a lock: blocked by pid "
                      + blockerPid
                      + " (idle in transaction, transaction open ")
              .contains(
                  "): "
                      + BLOCKER_QUERY
                      + "; "
                      + V9
                      + " timed out after lock_timeout 500ms; retry ");
        }
        assertThat(runner.process.isAlive()).isTrue();
        assertThat(columnExists(url)).isFalse();
        long longestReadMs = reads.longest.get();
        long readsServed = reads.count.get();

        blocker.commit();

        assertThat(runner.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(runner.log());
        assertThat(runner.process.exitValue()).as(log).isZero();
        assertThat(log.lines().toList())
            .last()
            .isEqualTo("Applied 1 migration (V9 add player nickname); schema at version 9");
        assertThat(
                Sql.value(
                    url,
                    "SELECT count(*) || '|' || bool_and(success) FROM flyway_schema_history"
                        + " WHERE version = '9'"))
            .isEqualTo("1|true");
        assertThat(columnExists(url)).isTrue();
        // Reads queue behind the migration's lock request for at most lock_timeout at a time;
        // the margin is for the shared CPU, not for PostgreSQL.
        System.out.printf(
            "LockTimeoutIT: %d reads served while the runner waited %d times; longest read %d ms"
                + " (lock_timeout %d ms)%n",
            readsServed, waitLines(runner.log()).size(), longestReadMs, LOCK_TIMEOUT.toMillis());
        assertThat(readsServed).isGreaterThan(10);
        assertThat(longestReadMs).isLessThan(LOCK_TIMEOUT.toMillis() + 1500);
        assertThat(reads.failure.get()).isNull();
      } finally {
        runner.process.destroyForcibly();
      }
    }
  }

  @Test
  void whenTheBudgetRunsOutTheFailureLineNamesTheBlocker() throws Exception {
    String url = databaseAtV8WithAPlayer();
    Path dir = withV9();
    try (Connection blocker = LocalPostgres.connect(url)) {
      int blockerPid = holdALockOnPlayers(blocker);
      Path terminationLog = tmp.resolve("termination-log");

      var runner =
          Runner.start(
              tmp,
              url,
              dir,
              "--lock-timeout",
              "200ms",
              "--lock-retry-budget",
              "2s",
              "--termination-log",
              terminationLog.toString());
      try {
        assertThat(runner.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.process.exitValue()).as(Files.readString(runner.log())).isEqualTo(1);
        assertThat(Files.readString(terminationLog))
            .startsWith(
                V9
                    + ": SQLSTATE 55P03: ERROR: canceling statement due to lock timeout; gave up"
                    + " after ")
            .contains(
                " (lock retry budget 2s); blocked by pid " + blockerPid + " (idle in transaction")
            .contains(BLOCKER_QUERY)
            .hasLineCount(1);
        assertThat(columnExists(url)).isFalse();
      } finally {
        runner.process.destroyForcibly();
      }
    }
  }

  private String databaseAtV8WithAPlayer() {
    String url = LocalPostgres.shared().createDatabase("locks");
    Migrate setup = Migrate.run(url, Migrations.EXAMPLE);
    assertThat(setup.exitCode()).as(setup.err()).isZero();
    Sql.execute(
        url,
        "INSERT INTO tenants (slug, name) VALUES ('hoops', 'Hoops');"
            + " INSERT INTO players (tenant_id, first_name, last_name, birth_date)"
            + " SELECT id, 'Ada', 'Bryant', DATE '2012-03-04' FROM tenants");
    return url;
  }

  private Path withV9() throws IOException {
    Path dir = Migrations.dir(tmp, "v9", Migrations.example());
    Files.writeString(dir.resolve(V9), "ALTER TABLE players ADD COLUMN nickname VARCHAR(50);\n");
    return dir;
  }

  /** The live app's long transaction: a row updated and not yet committed (ROW EXCLUSIVE). */
  private static int holdALockOnPlayers(Connection c) throws SQLException {
    int pid;
    try (var rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    }
    // Its last query is what the report shows.
    c.setAutoCommit(false);
    c.createStatement().executeUpdate(BLOCKER_QUERY);
    return pid;
  }

  private static boolean columnExists(String url) {
    return Sql.value(
            url,
            "SELECT count(*) FROM information_schema.columns"
                + " WHERE table_name = 'players' AND column_name = 'nickname'")
        .equals("1");
  }

  private static List<String> waitLines(Path log) throws IOException {
    return Files.readString(log).lines().filter(l -> l.startsWith("Waiting for a lock: ")).toList();
  }

  /** The live app reading players in a loop, timing each read. */
  private static final class Reads implements AutoCloseable {
    final AtomicLong longest = new AtomicLong();
    final AtomicLong count = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Connection connection;
    private final Thread thread;

    Reads(String url) throws SQLException {
      connection = LocalPostgres.connect(url);
      thread = new Thread(this::loop, "app-reads");
    }

    void start() {
      thread.start();
    }

    private void loop() {
      try (var read = connection.prepareStatement("SELECT count(*), max(last_name) FROM players")) {
        while (!stop.get()) {
          long start = System.nanoTime();
          read.executeQuery().close();
          longest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
          count.incrementAndGet();
          // The reader's pace: a steady load of reads, about 50 a second, is the thing measured.
          Thread.sleep(20);
        }
      } catch (SQLException | InterruptedException | RuntimeException e) {
        failure.set(e);
      }
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      thread.join(10_000);
      connection.close();
    }
  }

  /** {@code schemagate migrate} in a JVM of its own, stdout and stderr to one log, as a pod's. */
  private record Runner(Process process, Path log) {
    static Runner start(Path tmp, String url, Path dir, String... more) {
      try {
        Path log = Files.createTempFile(tmp, "runner", ".log");
        var command =
            new ArrayList<>(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    OperatorProcess.jar().toString(),
                    "migrate",
                    "--url",
                    url,
                    "--dir",
                    dir.toString()));
        command.addAll(List.of(more));
        var builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        return new Runner(builder.start(), log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
