package dev.schemagate.rehearsal;

import java.util.Locale;

/**
 * One change a migration made to the schema.
 *
 * @param name the object: {@code teams}, {@code players.team_id}, {@code division}, {@code
 *     division.'u20'}, {@code ix_teams_tenant_id}
 * @param detail what changed, for a person: the column's type, {@code integer -> bigint}
 * @param destructive whether it drops or narrows what rows hold: once run on production, no later
 *     migration brings the data back, and the old version of the app may fail on it
 */
public record SchemaChange(
    Action action, Kind kind, String name, String detail, boolean destructive) {

  public enum Action {
    ADDED("+"),
    ALTERED("~"),
    DROPPED("-");

    final String symbol;

    Action(String symbol) {
      this.symbol = symbol;
    }
  }

  public enum Kind {
    TABLE,
    COLUMN,
    TYPE,
    TYPE_VALUE,
    INDEX;

    String word() {
      return this == TYPE_VALUE ? "type value" : name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code + column players.team_id integer}, {@code - table old (destructive)}. */
  public String line() {
    return action.symbol
        + " "
        + kind.word()
        + " "
        + name
        + (detail.isEmpty() ? "" : ": " + detail)
        + (destructive ? " [destructive]" : "");
  }
}
