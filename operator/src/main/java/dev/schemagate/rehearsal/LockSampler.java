package dev.schemagate.rehearsal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The strongest lock each pre-existing table was held in while the migration ran: pg_locks of the
 * scratch database, read by a connection of its own every few milliseconds. Every other session in
 * that database is the migration's. A sample can miss a lock held for less than its period; locks
 * taken in a transaction are held until it ends, so a migration's DDL in one is seen.
 */
final class LockSampler implements AutoCloseable {
  private static final String QUERY =
      "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END,"
          + " l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " AND l.granted AND l.pid <> pg_backend_pid() AND c.relkind IN ('r', 'p')";

  private final Connection connection;
  private final Set<String> tables;
  private final Duration period;
  private final Map<String, LockMode> strongest = new TreeMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private volatile SQLException failure;
  private int samples;

  /**
   * @param tables the tables that existed before the run: locks on the ones it creates cost the app
   *     nothing
   */
  LockSampler(Connection connection, Set<String> tables, Duration period) {
    this.connection = connection;
    this.tables = Set.copyOf(tables);
    this.period = period;
    this.thread = new Thread(this::sample, "rehearsal-lock-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample() {
    try (var s = connection.prepareStatement(QUERY)) {
      while (running.get()) {
        try (var rs = s.executeQuery()) {
          synchronized (strongest) {
            samples++;
            while (rs.next()) {
              String table = rs.getString(1);
              if (tables.contains(table)) {
                LockMode.fromPgLocks(rs.getString(2))
                    .ifPresent(mode -> strongest.merge(table, mode, LockMode::stronger));
              }
            }
          }
        }
        Thread.sleep(period.toMillis());
      }
    } catch (SQLException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops sampling; the strongest lock by table, in table order. */
  Map<String, LockMode> stop() {
    running.set(false);
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException("the lock sampler failed: " + failure.getMessage(), failure);
    }
    synchronized (strongest) {
      return new TreeMap<>(strongest);
    }
  }

  int samples() {
    synchronized (strongest) {
      return samples;
    }
  }

  @Override
  public void close() throws SQLException {
    running.set(false);
    connection.close();
  }
}
