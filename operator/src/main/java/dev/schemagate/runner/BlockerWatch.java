package dev.schemagate.runner;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples, on a connection of its own, which session blocks the migration's sessions while they
 * wait for a lock: once the lock request times out the server no longer says who held it. The first
 * sample is taken one interval after the start, so a migration that ends sooner costs no
 * connection. Best effort: a failed sample leaves the last one standing.
 */
final class BlockerWatch implements AutoCloseable {
  /** The oldest transaction among the sessions that block ours: usually the one to look at. */
  private static final String BLOCKERS =
      """
      SELECT b.pid, b.state, extract(epoch FROM now() - b.xact_start), b.query
      FROM pg_stat_activity w
      CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocking(pid)
      JOIN pg_stat_activity b ON b.pid = blocking.pid
      WHERE w.application_name = ? AND w.wait_event_type = 'Lock'
      ORDER BY b.xact_start NULLS LAST
      LIMIT 1
      """;

  private final DatabaseUrl db;
  private final String applicationName;
  private final ScheduledExecutorService sampler;
  private final ScheduledFuture<?> sampling;
  private final AtomicReference<Blocker> latest = new AtomicReference<>();
  private Connection connection;

  /**
   * @param applicationName the {@code application_name} of the sessions to watch
   */
  BlockerWatch(DatabaseUrl db, String applicationName, Duration interval) {
    this.db = db;
    this.applicationName = applicationName;
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              var thread = new Thread(r, "blocker-watch");
              thread.setDaemon(true);
              return thread;
            });
    long ms = interval.toMillis();
    sampling = sampler.scheduleWithFixedDelay(this::sample, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The blocker last seen, and forget it: the next wait may have another. */
  Optional<Blocker> take() {
    return Optional.ofNullable(latest.getAndSet(null));
  }

  private void sample() {
    try {
      if (connection == null || connection.isClosed()) {
        connection = db.dataSource("schemagate-blocker-watch").getConnection();
      }
      try (var query = connection.prepareStatement(BLOCKERS)) {
        query.setString(1, applicationName);
        try (ResultSet rs = query.executeQuery()) {
          if (rs.next()) {
            latest.set(blocker(rs));
          }
        }
      }
    } catch (SQLException e) {
      // Reporting the blocker must never fail the migration; the line then says it was not seen.
    }
  }

  private static Blocker blocker(ResultSet rs) throws SQLException {
    double age = rs.getDouble(3);
    Optional<Duration> transactionAge =
        rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis((long) (age * 1000)));
    return new Blocker(
        rs.getInt(1),
        Optional.ofNullable(rs.getString(2)),
        transactionAge,
        Optional.ofNullable(rs.getString(4)).filter(q -> !q.startsWith("<insufficient")));
  }

  @Override
  public void close() {
    sampling.cancel(true);
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(5, TimeUnit.SECONDS);
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      // Closing a monitoring connection: nothing to report.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
