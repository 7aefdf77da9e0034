package dev.schemagate.rehearsal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rehearsal's database on production's server: made from {@code template0} with production's
 * encoding and locale, so that nothing an administrator added to {@code template1} collides with
 * the copy. Statements run on a connection to production's database, which they do not change.
 */
final class ScratchDatabase {
  private ScratchDatabase() {}

  static void create(Connection production, String name, String comment) throws SQLException {
    String encoding;
    String collate;
    String ctype;
    try (var s = production.createStatement();
        var rs =
            s.executeQuery(
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database"
                    + " WHERE datname = current_database()")) {
      rs.next();
      encoding = rs.getString(1);
      collate = rs.getString(2);
      ctype = rs.getString(3);
    }
    try (var s = production.createStatement()) {
      s.execute(
          "CREATE DATABASE %s TEMPLATE template0 ENCODING %s LC_COLLATE %s LC_CTYPE %s"
              .formatted(identifier(name), literal(encoding), literal(collate), literal(ctype)));
      s.execute("COMMENT ON DATABASE %s IS %s".formatted(identifier(name), literal(comment)));
    }
  }

  /**
   * Drops the copy, ending first any session a migration tool left connected to it (a pool that
   * outlived the command): the database is ours, and nothing else may use it.
   */
  static void drop(Connection production, String name) throws SQLException {
    try (var s =
        production.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?"
                + " AND pid <> pg_backend_pid()")) {
      s.setString(1, name);
      s.execute();
    }
    try (var s = production.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + identifier(name));
    }
  }

  /**
   * Drops the leftovers of killed rehearsals ({@link ScratchDatabaseName#isStale}); one still in
   * use, or not this role's to drop, stays, and is named in the result.
   *
   * @return what was dropped, then what could not be, each as one line
   */
  static List<String> sweep(Connection production, Instant now, Duration maxAge)
      throws SQLException {
    var stale = new ArrayList<String>();
    try (var s =
        production.prepareStatement(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
                + " WHERE datname LIKE ?"); ) {
      s.setString(1, ScratchDatabaseName.PREFIX.replace("_", "\\_") + "%");
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          if (ScratchDatabaseName.isStale(rs.getString(1), rs.getString(2), now, maxAge)) {
            stale.add(rs.getString(1));
          }
        }
      }
    }
    var lines = new ArrayList<String>();
    for (String name : stale) {
      try (var s = production.createStatement()) {
        // No FORCE: a session still in it may be a rehearsal that is slow, not dead.
        s.execute("DROP DATABASE IF EXISTS " + identifier(name));
        lines.add("dropped the leftover scratch database " + name);
      } catch (SQLException e) {
        lines.add(
            "cannot drop the leftover scratch database %s: %s (SQLSTATE %s)"
                .formatted(name, e.getMessage().strip(), e.getSQLState()));
      }
    }
    return lines;
  }

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
