package dev.schemagate.runlog;

import java.util.Set;

/**
 * The SQLSTATEs that mean the database, not the migration, failed: read by the runner to pick its
 * exit and line, and by the operator to tell on-call to look at the database.
 */
public final class ConnectionStates {
  /**
   * Prefixes of a failed connection: 08 connection exception, 28 invalid authorization, 3D unknown
   * database, 57P03 server starting up or shutting down.
   */
  private static final Set<String> CANNOT_CONNECT = Set.of("08", "28", "3D", "57P03");

  /**
   * A session that was open and ended: 08003 the driver's "connection has been closed", 08006 an
   * I/O error (the server crashed, the network dropped), 08007 transaction resolution unknown,
   * 57P01 terminated (pg_terminate_backend, a fast shutdown), 57P02 another backend crashed.
   */
  private static final Set<String> LOST = Set.of("08003", "08006", "08007", "57P01", "57P02");

  private ConnectionStates() {}

  public static boolean cannotConnect(String sqlState) {
    return sqlState != null && CANNOT_CONNECT.stream().anyMatch(sqlState::startsWith);
  }

  public static boolean lost(String sqlState) {
    return sqlState != null && LOST.contains(sqlState);
  }

  /** Either: the migration never got, or lost, its database. */
  public static boolean databaseFailed(String sqlState) {
    return cannotConnect(sqlState) || lost(sqlState);
  }
}
