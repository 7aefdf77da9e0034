package dev.schemagate.rehearsal;

import dev.schemagate.rehearsal.Catalog.Column;
import dev.schemagate.rehearsal.Catalog.Index;
import dev.schemagate.rehearsal.Catalog.Table;
import dev.schemagate.rehearsal.Catalog.UserType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a {@link Catalog} from pg_catalog: a few queries, no lock on any user table. */
public final class CatalogReader {
  /** Schemas of the system, and of other sessions' temporary tables. */
  private static final String USER_SCHEMA =
      "n.nspname NOT IN ('pg_catalog', 'information_schema')"
          + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

  /** {@code name} in public, {@code schema.name} elsewhere. */
  private static final String NAME =
      "CASE WHEN n.nspname = 'public' THEN %1$s ELSE n.nspname || '.' || %1$s END";

  private CatalogReader() {}

  public static Catalog read(Connection c) throws SQLException {
    // pg_get_indexdef and format_type qualify what the search path does not show: one path for
    // every database read, so that the same index reads the same in production and in the copy.
    try (var s = c.createStatement()) {
      s.execute("SET search_path TO public");
    }
    return new Catalog(tables(c), types(c), indexes(c));
  }

  private static Map<String, Table> tables(Connection c) throws SQLException {
    Map<String, List<Column>> columns = new LinkedHashMap<>();
    String sql =
        ("SELECT "
                + NAME.formatted("c.relname")
                + ", a.attname,"
                + " format_type(a.atttypid, a.atttypmod), a.attnotnull"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
                + " AND NOT a.attisdropped"
                + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND %s"
                + " ORDER BY 1, a.attnum")
            .formatted(USER_SCHEMA);
    forEachRow(
        c,
        sql,
        rs -> {
          var list = columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
          if (rs.getString(2) != null) {
            list.add(new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4)));
          }
        });
    Map<String, Table> tables = new HashMap<>();
    columns.forEach((name, cols) -> tables.put(name, new Table(name, cols)));
    return tables;
  }

  private static Map<String, UserType> types(Connection c) throws SQLException {
    Map<String, UserType> types = new HashMap<>();
    String sql =
        ("SELECT "
                + NAME.formatted("t.typname")
                + ", t.typtype,"
                + " CASE t.typtype WHEN 'e' THEN (SELECT array_agg(e.enumlabel ORDER BY"
                + " e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)"
                + " ELSE ARRAY[format_type(t.typbasetype, t.typtypmod)]"
                + " || CASE WHEN t.typnotnull THEN ARRAY['NOT NULL'] ELSE ARRAY[]::text[] END END"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE t.typtype IN ('e', 'd') AND %s"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass"
                + " AND d.objid = t.oid AND d.deptype = 'e')")
            .formatted(USER_SCHEMA);
    forEachRow(
        c,
        sql,
        rs -> {
          var values = rs.getArray(3);
          types.put(
              rs.getString(1),
              new UserType(
                  rs.getString(1),
                  rs.getString(2).equals("e") ? "enum" : "domain",
                  values == null ? List.of() : Arrays.asList((String[]) values.getArray())));
        });
    return types;
  }

  private static Map<String, Index> indexes(Connection c) throws SQLException {
    Map<String, Index> indexes = new HashMap<>();
    String sql =
        ("SELECT "
                + NAME.formatted("ic.relname")
                + ", "
                + NAME.formatted("tc.relname")
                + ","
                + " pg_get_indexdef(i.indexrelid), i.indisvalid"
                + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                + " JOIN pg_class tc ON tc.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = ic.relnamespace"
                + " WHERE tc.relkind IN ('r', 'p', 'm') AND NOT tc.relispartition AND %s")
            .formatted(USER_SCHEMA);
    forEachRow(
        c,
        sql,
        rs ->
            indexes.put(
                rs.getString(1),
                new Index(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4))));
    return indexes;
  }

  private interface RowReader {
    void read(ResultSet row) throws SQLException;
  }

  private static void forEachRow(Connection c, String sql, RowReader reader) throws SQLException {
    try (var s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }
}
