package dev.schemagate.runner;

import static java.util.stream.Collectors.joining;

import dev.schemagate.api.Locks;
import dev.schemagate.runlog.LockWaitLine;
import dev.schemagate.runlog.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code schemagate migrate}: what a Flyway migration Job runs. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Apply the Flyway SQL migrations in a directory (a mounted ConfigMap) to PostgreSQL.",
      "Prints one summary line; on failure prints one line (script, SQLSTATE, server message)"
          + " and writes it to the termination log.",
      "A migration that times out waiting for a lock (SQLSTATE 55P03) is retried with jittered"
          + " exponential back-off within the retry budget; each wait prints a line starting"
          + " '"
          + LockWaitLine.PREFIX
          + "' that names the blocking session."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:applied, or nothing to apply",
      "1:a migration failed (SQL error, validation, a lock still taken when the retry budget ran"
          + " out)",
      "2:invalid input (arguments, URL, directory, unreadable or no .sql files, bad file names)",
      "3:cannot connect, or lost the connection (unreachable host, authentication, unknown"
          + " database; the server went down or ended the session mid-run)",
      "4:unexpected error (a bug, or the JVM's: the line names the exception)"
    })
public final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "${env:DATABASE_URL}",
      description =
          "postgresql://user:password@host:port/db, postgres://... or jdbc:postgresql://..."
              + " (default: $DATABASE_URL)")
  String url;

  @Option(
      names = "--dir",
      defaultValue = "${env:MIGRATIONS_DIR:-/migrations}",
      description =
          "Directory whose top-level V<version>__<description>.sql files are the migrations"
              + " (default: $MIGRATIONS_DIR, else ${DEFAULT-VALUE})")
  Path dir;

  @Option(
      names = "--termination-log",
      description =
          "File that receives the failure line (default: /dev/termination-log when it"
              + " exists and is writable)")
  Path terminationLog;

  @Option(
      names = "--baseline-version",
      defaultValue = "${env:BASELINE_VERSION}",
      description =
          "Adopt a database another tool migrated: if it has no Flyway history, record this"
              + " version as applied and run only later migrations (default: $BASELINE_VERSION)")
  String baselineVersion;

  @Option(
      names = "--lock-timeout",
      defaultValue = "${env:LOCK_TIMEOUT:-" + Locks.DEFAULT_TIMEOUT + "}",
      description =
          "lock_timeout of the migration's sessions, e.g. 500ms, 2s (default: $LOCK_TIMEOUT,"
              + " else ${DEFAULT-VALUE})")
  String lockTimeout;

  @Option(
      names = "--lock-retry-budget",
      defaultValue = "${env:LOCK_RETRY_BUDGET:-" + Locks.DEFAULT_RETRY_BUDGET + "}",
      description =
          "How long to retry a migration that timed out on a lock, e.g. 10m; 0s: no retry"
              + " (default: $LOCK_RETRY_BUDGET, else ${DEFAULT-VALUE})")
  String lockRetryBudget;

  @Override
  public Integer call() {
    try {
      spec.commandLine().getOut().println(migrate());
      return 0;
    } catch (RuntimeException | Error e) {
      // Every failure, foreseen or not: one line, not a stack trace the operator cannot show.
      return fail(Failure.of(e, location()));
    }
  }

  /** Where the database is, for a connection failure's line; null if the URL does not parse. */
  private String location() {
    try {
      return DatabaseUrl.parse(url).location();
    } catch (InvalidInputException e) {
      return null;
    }
  }

  /** Arguments picocli could not parse: invalid input, reported as any other failure. */
  public int invalidArguments(ParameterException e) {
    return fail(new Failure(Failure.INVALID_INPUT, Failure.line(null, null, e.getMessage())));
  }

  private int fail(Failure failure) {
    // Whatever the line quotes (a driver's message, an argument), the password stays out.
    report(Failure.line(null, null, Secrets.mask(failure.line(), DatabaseUrl.passwords(url))));
    return failure.exitCode();
  }

  private String migrate() {
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("no database URL: pass --url or set DATABASE_URL");
    }
    DatabaseUrl db = DatabaseUrl.parse(url);
    Duration timeout = duration("--lock-timeout", lockTimeout);
    if (timeout.isZero()) {
      throw new InvalidInputException("--lock-timeout 0 would wait for locks forever");
    }
    var retry = LockRetry.within(duration("--lock-retry-budget", lockRetryBudget));
    MigrationDirectory migrations = MigrationDirectory.read(dir);
    // Named sessions, so that the watch finds them among the app's.
    String session =
        "schemagate-migrate-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    FluentConfiguration config =
        Flyway.configure()
            .dataSource(db.dataSource(session, "lock_timeout=" + timeout.toMillis() + "ms"))
            .resourceProvider(migrations)
            // Flyway's log lines as they are, but no stack traces among them.
            .loggers(OneLineFlywayLogs.class.getName())
            .javaMigrationClassProvider(List::of) // SQL only: no classpath scan for Java migrations
            .validateMigrationNaming(true)
            .cleanDisabled(true)
            // Wait for a concurrent runner as long as it takes: the Job's deadline bounds it.
            .lockRetryCount(-1);
    // A session-level advisory lock, not one in a transaction held open beside the migration:
    // CREATE INDEX CONCURRENTLY waits for every open transaction, and would wait for the runner's
    // own until lock_timeout. Two runners are still serialised.
    config
        .getConfigurationExtension(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(false);
    if (baselineVersion != null && !baselineVersion.isBlank()) {
      config.baselineOnMigrate(true).baselineVersion(version(baselineVersion));
    }
    migrations.checkNames(config);
    Duration sampleEvery = Duration.ofMillis(Math.max(50, Math.min(1000, timeout.toMillis() / 2)));
    try (var watch = new BlockerWatch(db, session, sampleEvery)) {
      return migrateRetryingLocks(config, retry, timeout, watch);
    }
  }

  private String migrateRetryingLocks(
      FluentConfiguration config, LockRetry retry, Duration timeout, BlockerWatch watch) {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        return summary(config.load().migrate());
      } catch (RuntimeException e) {
        if (!Failure.isLockTimeout(e)) {
          throw e;
        }
        Optional<Blocker> blocker = watch.take();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Optional<Duration> delay =
            retry.delay(attempt, elapsed, ThreadLocalRandom.current().nextDouble());
        if (delay.isEmpty()) {
          throw new LocksUnavailable(
              e,
              "gave up after %d attempt%s in %s (lock retry budget %s); %s"
                  .formatted(
                      attempt,
                      attempt == 1 ? "" : "s",
                      LockWait.format(elapsed),
                      LockWait.format(retry.budget()),
                      LockWait.blockedBy(blocker)));
        }
        var out = spec.commandLine().getOut();
        out.println(
            LockWait.line(
                Optional.ofNullable(Failure.script(e)).orElse("a statement"),
                blocker,
                attempt,
                delay.get(),
                timeout));
        out.flush();
        sleep(delay.get());
      }
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  }

  private static Duration duration(String option, String value) {
    try {
      return Locks.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid " + option + ": " + e.getMessage());
    }
  }

  static String summary(MigrateResult result) {
    String version =
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : result.initialSchemaVersion;
    String schema = version == null ? "without a version" : "at version " + version;
    int n = result.migrationsExecuted;
    if (n == 0) {
      return "Schema up to date " + schema + "; nothing to apply";
    }
    String applied =
        result.migrations.stream()
            .map(m -> (m.version.isEmpty() ? "R" : "V" + m.version) + " " + m.description)
            .collect(joining(", "));
    return "Applied %d migration%s (%s); schema %s"
        .formatted(n, n == 1 ? "" : "s", applied, schema);
  }

  private static MigrationVersion version(String version) {
    try {
      return MigrationVersion.fromVersion(version);
    } catch (FlywayException e) {
      throw new InvalidInputException("invalid --baseline-version: " + e.getMessage());
    }
  }

  private void report(String line) {
    var err = spec.commandLine().getErr();
    err.println(line);
    TerminationLog.write(terminationLog, line + "\n", err);
  }
}
