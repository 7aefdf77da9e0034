package dev.schemagate.rehearsal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.schemagate.runner.DatabaseUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A migration rehearsed on a scratch copy of production's schema, then run again on its own result.
 * Production is read (its catalog, its schema by pg_dump, its history rows), never written; the
 * copy is a database of its own on the same server, dropped at the end.
 */
public final class Rehearsal {
  /**
   * @param url production's database, as the app's URL: postgresql://user:pass@host/db
   * @param revision what is rehearsed, for the scratch database's name and the report; may be empty
   * @param historyTables the migration tool's history tables, whose rows are copied
   * @param dumpLockTimeout how long pg_dump may wait for its locks on production
   * @param sweepAfter the age after which a scratch database left by a killed rehearsal is dropped
   * @param pgDump the pg_dump to use; null: the newest installed
   * @param lockSamplePeriod how often pg_locks is read while the migration runs
   */
  public record Settings(
      String url,
      Migration migration,
      String revision,
      List<String> historyTables,
      Idempotency idempotency,
      boolean allowDestructive,
      Duration dumpLockTimeout,
      Duration sweepAfter,
      Path pgDump,
      Duration lockSamplePeriod) {}

  private Rehearsal() {}

  /**
   * @param log where progress and the migration's own output go
   * @throws CopyException when production's schema could not be copied
   */
  public static RehearsalReport run(Settings settings, PrintStream log) throws SQLException {
    long start = System.nanoTime();
    DatabaseUrl production = DatabaseUrl.parse(settings.url());
    PgTools tools = PgTools.find(settings.pgDump());
    String name =
        ScratchDatabaseName.of(
            settings.revision(), HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    String scratchUrl = DatabaseUrl.withDatabase(settings.url(), name);
    DatabaseUrl scratch = DatabaseUrl.parse(scratchUrl);
    var notes = new ArrayList<String>();
    // Reading production's catalog locks its tables briefly (pg_get_indexdef does): bounded as the
    // dump's locks are, so that the rehearsal never queues behind a migration running there.
    try (Connection admin = SchemaCopy.connect(production, settings.dumpLockTimeout())) {
      var server = new PgDumpVersion(serverVersion(admin));
      tools
          .version()
          .cannotDump(server, tools.pgDump().toString())
          .ifPresent(
              why -> {
                throw new CopyException(why);
              });
      Catalog productionBefore = readProduction(admin, settings.dumpLockTimeout());
      notes.addAll(ScratchDatabase.sweep(admin, Instant.now(), settings.sweepAfter()));
      createScratch(admin, name, settings.sweepAfter());
      Thread dropOnExit = new Thread(() -> dropQuietly(production, name));
      Runtime.getRuntime().addShutdownHook(dropOnExit);
      Path work = Files.createTempDirectory("schemagate-rehearse");
      try {
        RehearsalReport report =
            rehearse(settings, tools, production, scratch, scratchUrl, name, work, notes, log);
        boolean productionChanged =
            !readProduction(admin, settings.dumpLockTimeout()).equals(productionBefore);
        return report.finished(elapsed(start), productionChanged);
      } finally {
        ScratchDatabase.drop(admin, name);
        Runtime.getRuntime().removeShutdownHook(dropOnExit);
        Files.deleteIfExists(work.resolve(SchemaCopy.SCRIPT));
        Files.deleteIfExists(work);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createScratch(Connection admin, String name, Duration sweepAfter) {
    try {
      ScratchDatabase.create(admin, name, ScratchDatabaseName.comment(Instant.now(), sweepAfter));
    } catch (SQLException e) {
      throw new CopyException(
          "cannot create the scratch database %s: %s (SQLSTATE %s)%s"
              .formatted(
                  name,
                  e.getMessage().strip(),
                  e.getSQLState(),
                  "42501".equals(e.getSQLState())
                      ? "; the rehearsal needs a role with CREATEDB (ALTER ROLE ... CREATEDB)"
                      : ""));
    }
  }

  private static RehearsalReport rehearse(
      Settings settings,
      PgTools tools,
      DatabaseUrl production,
      DatabaseUrl scratch,
      String scratchUrl,
      String name,
      Path work,
      List<String> notes,
      PrintStream log)
      throws SQLException {
    long copyStart = System.nanoTime();
    log("copying production's schema into " + name, log);
    SchemaCopy.Copied copied =
        SchemaCopy.copy(
            production, scratch, tools, settings.historyTables(), settings.dumpLockTimeout(), work);
    Set<String> historyNames =
        copied.history().stream().map(h -> h.displayName()).collect(Collectors.toSet());
    Catalog before = catalog(scratch);
    var copy = copyReport(copied, before.without(historyNames), copyStart);
    Migration.Outcome outcome;
    Map<String, LockMode> locks;
    long runStart = System.nanoTime();
    try (var sampler =
        new LockSampler(
            SchemaCopy.connect(scratch, Duration.ZERO),
            before.without(historyNames).tables().keySet(),
            settings.lockSamplePeriod())) {
      log("running " + settings.migration().describe() + " on the copy", log);
      outcome = settings.migration().run(scratchUrl, name, log);
      locks = sampler.stop();
    }
    var run =
        new RehearsalReport.Run(
            outcome.succeeded(), outcome.exitCode(), elapsed(runStart), outcome.cause());
    List<SchemaChange> changes =
        changes(before, catalog(scratch), historyNames, settings.historyTables());
    Optional<RehearsalReport.Run> rerun =
        outcome.succeeded() && settings.idempotency() != Idempotency.OFF
            ? Optional.of(rerun(settings, scratch, scratchUrl, name, copied, log))
            : Optional.empty();
    return new RehearsalReport(
        settings.revision(),
        settings.migration().describe(),
        Verdict.of(
            outcome.succeeded(),
            rerun.map(RehearsalReport.Run::succeeded),
            settings.idempotency(),
            changes,
            settings.allowDestructive()),
        settings.idempotency(),
        copy,
        run,
        rerun,
        changes,
        locks,
        Duration.ZERO,
        false,
        notes);
  }

  private static Catalog catalog(DatabaseUrl database) throws SQLException {
    try (Connection c = SchemaCopy.connect(database, Duration.ZERO)) {
      return CatalogReader.read(c);
    }
  }

  private static RehearsalReport.Copy copyReport(
      SchemaCopy.Copied copied, Catalog appSchema, long copyStart) {
    return new RehearsalReport.Copy(
        appSchema.tables().size(),
        copied.history().stream()
            .map(
                h ->
                    "%s (%d bytes of rows)"
                        .formatted(h.displayName(), h.rows().getBytes(UTF_8).length))
            .toList(),
        copied.dumpBytes(),
        copied.dumpTook(),
        elapsed(copyStart));
  }

  /** The schema changes the run made to the app's tables. */
  private static List<SchemaChange> changes(
      Catalog before, Catalog after, Set<String> historyNames, List<String> historyTables) {
    // The tool's own tables are bookkeeping, not the app's schema: whichever it made or filled.
    var bookkeeping = new HashSet<>(historyNames);
    after.tables().keySet().stream()
        .filter(t -> HistoryTables.matches(schemaOf(t), tableOf(t), historyTables))
        .forEach(bookkeeping::add);
    return SchemaDiff.between(before.without(bookkeeping), after.without(bookkeeping));
  }

  /** The history put back as production has it, and the same migration run on its own result. */
  private static RehearsalReport.Run rerun(
      Settings settings,
      DatabaseUrl scratch,
      String scratchUrl,
      String name,
      SchemaCopy.Copied copied,
      PrintStream log)
      throws SQLException {
    SchemaCopy.resetHistory(scratch, copied.history(), settings.historyTables());
    log("running it again on its own result", log);
    long rerunStart = System.nanoTime();
    Migration.Outcome again = settings.migration().run(scratchUrl, name, log);
    return new RehearsalReport.Run(
        again.succeeded(), again.exitCode(), elapsed(rerunStart), again.cause());
  }

  private static Catalog readProduction(Connection admin, Duration lockTimeout)
      throws SQLException {
    try {
      return CatalogReader.read(admin);
    } catch (SQLException e) {
      if (!"55P03".equals(e.getSQLState())) {
        throw e;
      }
      throw new CopyException(
          ("production's catalog: a lock on one of its tables was not granted within %d ms"
                  + " (--dump-lock-timeout): is a migration running there?")
              .formatted(lockTimeout.toMillis()));
    }
  }

  private static String schemaOf(String displayName) {
    int dot = displayName.indexOf('.');
    return dot < 0 ? "public" : displayName.substring(0, dot);
  }

  private static String tableOf(String displayName) {
    return displayName.substring(displayName.indexOf('.') + 1);
  }

  private static int serverVersion(Connection c) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery("SHOW server_version_num")) {
      rs.next();
      return Integer.parseInt(rs.getString(1));
    }
  }

  /** For a rehearsal ended by a signal: its scratch database goes with it. */
  private static void dropQuietly(DatabaseUrl production, String name) {
    try (Connection c = SchemaCopy.connect(production, Duration.ZERO)) {
      ScratchDatabase.drop(c, name);
    } catch (SQLException e) {
      System.err.println("cannot drop the scratch database " + name + ": " + e.getMessage());
    }
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void log(String line, PrintStream log) {
    log.println("rehearse: " + line);
    log.flush();
  }
}
