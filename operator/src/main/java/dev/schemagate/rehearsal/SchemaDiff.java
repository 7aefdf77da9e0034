package dev.schemagate.rehearsal;

import dev.schemagate.rehearsal.Catalog.Column;
import dev.schemagate.rehearsal.Catalog.Index;
import dev.schemagate.rehearsal.Catalog.Table;
import dev.schemagate.rehearsal.Catalog.UserType;
import dev.schemagate.rehearsal.SchemaChange.Action;
import dev.schemagate.rehearsal.SchemaChange.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The changes between two catalogs, and which of them drop or narrow what rows hold. Pure. */
public final class SchemaDiff {
  private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");
  private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+),(\\d+)\\)");

  /** Integer and floating types, each widening to those after it in its list. */
  private static final List<List<String>> WIDENING_CHAINS =
      List.of(
          List.of("smallint", "integer", "bigint", "numeric"),
          List.of("real", "double precision"),
          List.of("timestamp without time zone", "timestamp with time zone"));

  private SchemaDiff() {}

  /** Tables, then their columns, then types, then indexes; by name within each. */
  public static List<SchemaChange> between(Catalog before, Catalog after) {
    var changes = new ArrayList<SchemaChange>();
    for (String name : names(before.tables(), after.tables())) {
      Table was = before.tables().get(name);
      Table is = after.tables().get(name);
      if (was == null) {
        changes.add(
            new SchemaChange(Action.ADDED, Kind.TABLE, name, columnList(is.columns()), false));
      } else if (is == null) {
        changes.add(new SchemaChange(Action.DROPPED, Kind.TABLE, name, "", true));
      } else {
        changes.addAll(columns(name, was, is));
      }
    }
    for (String name : names(before.types(), after.types())) {
      changes.addAll(type(name, before.types().get(name), after.types().get(name)));
    }
    for (String name : names(before.indexes(), after.indexes())) {
      index(name, before.indexes().get(name), after.indexes().get(name)).ifPresent(changes::add);
    }
    return changes;
  }

  private static List<SchemaChange> columns(String table, Table was, Table is) {
    Map<String, Column> before = byName(was.columns());
    Map<String, Column> after = byName(is.columns());
    var changes = new ArrayList<SchemaChange>();
    for (Column c : is.columns()) {
      Column old = before.get(c.name());
      String name = table + "." + c.name();
      if (old == null) {
        changes.add(new SchemaChange(Action.ADDED, Kind.COLUMN, name, describe(c), false));
        continue;
      }
      var details = new ArrayList<String>();
      boolean destructive = false;
      if (!old.type().equals(c.type())) {
        boolean widening = widens(old.type(), c.type());
        details.add(old.type() + " -> " + c.type() + (widening ? "" : " (not a known widening)"));
        destructive = !widening;
      }
      if (!old.notNull() && c.notNull()) {
        details.add("NOT NULL added");
        destructive = true;
      } else if (old.notNull() && !c.notNull()) {
        details.add("NOT NULL dropped");
      }
      if (!details.isEmpty()) {
        changes.add(
            new SchemaChange(
                Action.ALTERED, Kind.COLUMN, name, String.join(", ", details), destructive));
      }
    }
    for (Column c : was.columns()) {
      if (!after.containsKey(c.name())) {
        changes.add(
            new SchemaChange(
                Action.DROPPED, Kind.COLUMN, table + "." + c.name(), describe(c), true));
      }
    }
    return changes;
  }

  private static List<SchemaChange> type(String name, UserType was, UserType is) {
    if (was == null) {
      return List.of(new SchemaChange(Action.ADDED, Kind.TYPE, name, describe(is), false));
    }
    if (is == null) {
      return List.of(new SchemaChange(Action.DROPPED, Kind.TYPE, name, describe(was), true));
    }
    if (!was.kind().equals(is.kind())) {
      return List.of(
          new SchemaChange(
              Action.ALTERED, Kind.TYPE, name, describe(was) + " -> " + describe(is), true));
    }
    if (is.kind().equals("domain")) {
      if (was.values().equals(is.values())) {
        return List.of();
      }
      boolean widening =
          widens(was.values().get(0), is.values().get(0))
              && !(is.values().contains("NOT NULL") && !was.values().contains("NOT NULL"));
      return List.of(
          new SchemaChange(
              Action.ALTERED, Kind.TYPE, name, describe(was) + " -> " + describe(is), !widening));
    }
    var changes = new ArrayList<SchemaChange>();
    for (String value : is.values()) {
      if (!was.values().contains(value)) {
        changes.add(
            new SchemaChange(Action.ADDED, Kind.TYPE_VALUE, name + "." + quote(value), "", false));
      }
    }
    for (String value : was.values()) {
      if (!is.values().contains(value)) {
        changes.add(
            new SchemaChange(Action.DROPPED, Kind.TYPE_VALUE, name + "." + quote(value), "", true));
      }
    }
    return changes;
  }

  private static Optional<SchemaChange> index(String name, Index was, Index is) {
    if (was == null) {
      return Optional.of(new SchemaChange(Action.ADDED, Kind.INDEX, name, describe(is), false));
    }
    if (is == null) {
      return Optional.of(new SchemaChange(Action.DROPPED, Kind.INDEX, name, describe(was), false));
    }
    if (was.equals(is)) {
      return Optional.empty();
    }
    return Optional.of(
        new SchemaChange(
            Action.ALTERED, Kind.INDEX, name, describe(was) + " -> " + describe(is), false));
  }

  /**
   * Whether every value of type {@code from} converts to {@code to} without loss: a longer or
   * unlimited varchar, text, a wider integer or float, a numeric with more digits on each side of
   * the point. Any other change may lose or reject data, and counts as narrowing.
   */
  static boolean widens(String from, String to) {
    if (from.equals(to) || to.equals("text")) {
      return true;
    }
    Matcher fromVarchar = VARCHAR.matcher(from);
    if (fromVarchar.matches()) {
      Matcher toVarchar = VARCHAR.matcher(to);
      return to.equals("character varying")
          || (toVarchar.matches()
              && Long.parseLong(toVarchar.group(1)) >= Long.parseLong(fromVarchar.group(1)));
    }
    if (from.equals("character varying")) {
      return false;
    }
    Matcher fromNumeric = NUMERIC.matcher(from);
    if (fromNumeric.matches()) {
      Matcher toNumeric = NUMERIC.matcher(to);
      if (to.equals("numeric")) {
        return true;
      }
      if (!toNumeric.matches()) {
        return false;
      }
      int fromScale = Integer.parseInt(fromNumeric.group(2));
      int toScale = Integer.parseInt(toNumeric.group(2));
      int fromInteger = Integer.parseInt(fromNumeric.group(1)) - fromScale;
      int toInteger = Integer.parseInt(toNumeric.group(1)) - toScale;
      return toScale >= fromScale && toInteger >= fromInteger;
    }
    for (List<String> chain : WIDENING_CHAINS) {
      int i = chain.indexOf(from);
      int j = chain.indexOf(to);
      if (i >= 0 && j > i) {
        return true;
      }
    }
    return false;
  }

  private static <T> SortedSet<String> names(Map<String, T> before, Map<String, T> after) {
    var names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    return names;
  }

  private static Map<String, Column> byName(List<Column> columns) {
    var map = new LinkedHashMap<String, Column>();
    columns.forEach(c -> map.put(c.name(), c));
    return map;
  }

  private static String columnList(List<Column> columns) {
    return columns.stream()
        .map(c -> c.name() + " " + describe(c))
        .collect(Collectors.joining(", "));
  }

  private static String describe(Column c) {
    return c.type() + (c.notNull() ? " NOT NULL" : "");
  }

  private static String describe(UserType t) {
    return t.kind().equals("enum")
        ? "enum ("
            + t.values().stream().map(SchemaDiff::quote).collect(Collectors.joining(", "))
            + ")"
        : "domain over " + String.join(" ", t.values());
  }

  private static String describe(Index i) {
    return i.definition() + (i.valid() ? "" : " (INVALID: a failed CREATE INDEX CONCURRENTLY)");
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
