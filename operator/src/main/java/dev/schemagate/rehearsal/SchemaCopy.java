package dev.schemagate.rehearsal;

import static dev.schemagate.rehearsal.ScratchDatabase.identifier;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.schemagate.runlog.Secrets;
import dev.schemagate.runner.DatabaseUrl;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Production's schema, without rows, in the scratch database, plus the rows of the migration tool's
 * history tables: one snapshot of production for both, so that the history says exactly what the
 * schema holds.
 *
 * <p>What it costs production: one read-only REPEATABLE READ transaction for the time of the dump,
 * and pg_dump's ACCESS SHARE lock on every table it dumps, held until the dump ends. ACCESS SHARE
 * conflicts only with ACCESS EXCLUSIVE (ALTER TABLE, DROP, TRUNCATE, VACUUM FULL): the app's
 * queries never wait for it, a schema change does, for as long as the dump takes. pg_dump waits for
 * its locks at most {@code --lock-wait-timeout}, so it never queues behind a migration already
 * running (which would make the app's queries queue behind pg_dump).
 */
final class SchemaCopy {
  /**
   * A history table's rows as {@code COPY ... TO STDOUT} wrote them (text, in the driver's UTF-8),
   * to put back before the re-run.
   */
  record HistoryTable(String schema, String name, String rows) {
    String qualified() {
      return identifier(schema) + "." + identifier(name);
    }

    String displayName() {
      return schema.equals("public") ? name : schema + "." + name;
    }
  }

  /**
   * @param history the history tables found in production, with their rows
   * @param dumpBytes the size of pg_dump's script
   * @param dumpTook how long pg_dump ran: the time its ACCESS SHARE locks were held on production
   */
  record Copied(List<HistoryTable> history, long dumpBytes, Duration dumpTook) {}

  /** pg_dump's script, in the rehearsal's work directory. */
  static final String SCRIPT = "schema.sql";

  private SchemaCopy() {}

  static Copied copy(
      DatabaseUrl production,
      DatabaseUrl scratch,
      PgTools tools,
      List<String> historyTables,
      Duration lockWaitTimeout,
      Path work)
      throws SQLException {
    Path script = work.resolve(SCRIPT);
    List<HistoryTable> history;
    Duration dumpTook;
    try (Connection c = connect(production, lockWaitTimeout)) {
      c.setAutoCommit(false);
      try (var s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        String snapshot;
        try (var rs = s.executeQuery("SELECT pg_export_snapshot()")) {
          rs.next();
          snapshot = rs.getString(1);
        }
        history = readHistory(c, historyTables);
        long dumpStart = System.nanoTime();
        dump(production, tools, snapshot, lockWaitTimeout, script);
        dumpTook = Duration.ofNanos(System.nanoTime() - dumpStart);
      } finally {
        c.rollback();
      }
    }
    try {
      restore(scratch, tools, script);
      try (Connection c = connect(scratch, Duration.ZERO)) {
        for (HistoryTable table : history) {
          writeRows(c, table);
        }
      }
      return new Copied(history, Files.size(script), dumpTook);
    } catch (IOException e) {
      throw new CopyException("cannot read the dump " + script + ": " + e.getMessage());
    }
  }

  /**
   * Puts the history tables back as production had them: their rows then, and none of the tables
   * the run created, so that the re-run starts where the first run did.
   */
  static void resetHistory(
      DatabaseUrl scratch, List<HistoryTable> history, List<String> historyTables)
      throws SQLException {
    try (Connection c = connect(scratch, Duration.ZERO)) {
      for (String[] found : find(c, historyTables)) {
        boolean had =
            history.stream()
                .anyMatch(h -> h.schema().equals(found[0]) && h.name().equals(found[1]));
        if (!had) {
          try (var s = c.createStatement()) {
            s.execute("DROP TABLE " + identifier(found[0]) + "." + identifier(found[1]));
          }
        }
      }
      for (HistoryTable table : history) {
        try (var s = c.createStatement()) {
          s.execute("TRUNCATE " + table.qualified());
        }
        writeRows(c, table);
      }
    }
  }

  static Connection connect(DatabaseUrl db, Duration lockTimeout) throws SQLException {
    var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    try (var s = c.createStatement()) {
      s.execute("SET application_name = 'schemagate-rehearse'");
      if (!lockTimeout.isZero()) {
        s.execute("SET lock_timeout = '" + lockTimeout.toMillis() + "ms'");
      }
    }
    return c;
  }

  private static List<HistoryTable> readHistory(Connection c, List<String> wanted)
      throws SQLException {
    var copy = c.unwrap(PGConnection.class).getCopyAPI();
    var tables = new ArrayList<HistoryTable>();
    for (String[] found : find(c, wanted)) {
      var rows = new ByteArrayOutputStream();
      try {
        copy.copyOut(
            "COPY " + identifier(found[0]) + "." + identifier(found[1]) + " TO STDOUT", rows);
      } catch (IOException e) {
        throw new SQLException("cannot read " + found[1] + ": " + e.getMessage(), e);
      }
      tables.add(new HistoryTable(found[0], found[1], rows.toString(UTF_8)));
    }
    return tables;
  }

  /** The tables of {@code wanted} that exist, as {schema, name}. */
  private static List<String[]> find(Connection c, List<String> wanted) throws SQLException {
    var found = new ArrayList<String[]>();
    try (var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p')"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2")) {
      while (rs.next()) {
        if (HistoryTables.matches(rs.getString(1), rs.getString(2), wanted)) {
          found.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    return found;
  }

  /**
   * Copies the rows in, then moves the table's sequences past them: a schema-only dump leaves every
   * sequence at its start, and the tool's next insert (Django's, Knex's id) would collide.
   */
  private static void writeRows(Connection c, HistoryTable table) throws SQLException {
    try {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY " + table.qualified() + " FROM STDIN",
              new ByteArrayInputStream(table.rows().getBytes(UTF_8)));
    } catch (IOException e) {
      throw new SQLException("cannot write " + table.name() + ": " + e.getMessage(), e);
    }
    try (var s =
        c.prepareStatement(
            "SELECT format('SELECT setval(%L, (SELECT max(%I) FROM %s))', seq, a.attname, ?)"
                + " FROM pg_attribute a,"
                + " LATERAL pg_get_serial_sequence(?, a.attname) seq"
                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND seq IS NOT NULL")) {
      s.setString(1, table.qualified());
      s.setString(2, table.qualified());
      s.setString(3, table.qualified());
      var setvals = new ArrayList<String>();
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          setvals.add(rs.getString(1));
        }
      }
      if (!table.rows().isEmpty()) {
        for (String setval : setvals) {
          try (var run = c.createStatement()) {
            run.execute(setval);
          }
        }
      }
    }
  }

  private static void dump(
      DatabaseUrl production,
      PgTools tools,
      String snapshot,
      Duration lockWaitTimeout,
      Path script) {
    var argv =
        List.of(
            tools.pgDump().toString(),
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "--no-tablespaces",
            "--no-publications",
            "--no-subscriptions",
            "--no-security-labels",
            "--lock-wait-timeout=" + lockWaitTimeout.toMillis() + "ms",
            "--snapshot=" + snapshot,
            "--dbname=" + Libpq.connectionString(production));
    var result = PgTools.Processes.run(argv, Libpq.environment(production), script);
    if (result.exitCode() != 0) {
      throw new CopyException(
          "pg_dump of production's schema failed: " + Secrets.mask(result.output().strip()));
    }
  }

  private static void restore(DatabaseUrl scratch, PgTools tools, Path script) {
    var argv =
        List.of(
            tools.psql().toString(),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--file=" + script,
            "--dbname=" + Libpq.connectionString(scratch));
    var result = PgTools.Processes.run(argv, Map.copyOf(Libpq.environment(scratch)), null);
    if (result.exitCode() != 0) {
      throw new CopyException(
          "restoring production's schema into the scratch database failed: "
              + result.output().strip().replaceAll("\\s*\\R\\s*", " "));
    }
  }
}
