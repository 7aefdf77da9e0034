package dev.schemagate.rehearsal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a database's catalog says of its schema, as plain data: tables and their columns, the
 * user-defined types (enums with their values, domains with their base type) and the indexes. Names
 * are {@code name} in schema public, {@code schema.name} elsewhere.
 */
public record Catalog(
    Map<String, Table> tables, Map<String, UserType> types, Map<String, Index> indexes) {

  public Catalog {
    tables = Map.copyOf(tables);
    types = Map.copyOf(types);
    indexes = Map.copyOf(indexes);
  }

  /** Columns in their order in the table. */
  public record Table(String name, List<Column> columns) {
    public Table {
      columns = List.copyOf(columns);
    }
  }

  /**
   * @param type as {@code format_type} writes it: {@code character varying(100)}
   */
  public record Column(String name, String type, boolean notNull) {}

  /**
   * @param kind {@code enum} or {@code domain}
   * @param values an enum's labels in their order; a domain's base type and its NOT NULL
   */
  public record UserType(String name, String kind, List<String> values) {
    public UserType {
      values = List.copyOf(values);
    }
  }

  /**
   * @param definition {@code pg_get_indexdef}
   * @param valid false for what a failed CREATE INDEX CONCURRENTLY left behind
   */
  public record Index(String name, String table, String definition, boolean valid) {}

  /** This catalog without the tables named (a migration tool's history tables). */
  public Catalog without(Set<String> tableNames) {
    var kept = new HashMap<>(tables);
    kept.keySet().removeAll(tableNames);
    var keptIndexes = new HashMap<>(indexes);
    keptIndexes.values().removeIf(i -> tableNames.contains(i.table()));
    return new Catalog(kept, types, keptIndexes);
  }
}
