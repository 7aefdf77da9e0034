package dev.schemagate.runner;

import dev.schemagate.testenv.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Queries for assertions: each row as its columns, joined by '|'. */
public final class Sql {
  private Sql() {}

  public static List<String> rows(String url, String query) {
    try (Connection c = LocalPostgres.connect(url);
        ResultSet rs = c.createStatement().executeQuery(query)) {
      List<String> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        var row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(query + ": " + e.getMessage(), e);
    }
  }

  public static String value(String url, String query) {
    List<String> rows = rows(url, query);
    if (rows.size() != 1) {
      throw new IllegalStateException(query + ": expected one row, got " + rows);
    }
    return rows.get(0);
  }

  public static void execute(String url, String statements) {
    try (Connection c = LocalPostgres.connect(url)) {
      c.createStatement().execute(statements);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
