package dev.schemagate.rehearsal;

import java.util.List;

/**
 * The tables in which migration tools record what they applied: their rows are copied to the
 * rehearsal's database, so that the tool starts where production stands, and put back before the
 * re-run. Other tables are copied without rows.
 */
public final class HistoryTables {
  /**
   * Those of the tools the failure-cause reader knows, by their default names; copied when present.
   * Flyway; Alembic; Django; Rails and golang-migrate (both {@code schema_migrations}), with
   * Rails's environment row; goose; Liquibase; Knex; Prisma.
   */
  public static final List<String> DEFAULTS =
      List.of(
          "flyway_schema_history",
          "alembic_version",
          "django_migrations",
          "schema_migrations",
          "ar_internal_metadata",
          "goose_db_version",
          "databasechangelog",
          "knex_migrations",
          "_prisma_migrations");

  private HistoryTables() {}

  /**
   * Whether a table, as the catalog names it ({@code name} or {@code schema.name}), is one of
   * {@code wanted} ({@code name}: in any schema; {@code schema.name}: that one).
   */
  static boolean matches(String schema, String table, List<String> wanted) {
    return wanted.contains(table) || wanted.contains(schema + "." + table);
  }
}
