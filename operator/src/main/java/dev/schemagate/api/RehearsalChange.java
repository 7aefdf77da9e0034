package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One schema change a rehearsal made, as status keeps it. */
public class RehearsalChange {
  @JsonPropertyDescription("table, column, type, type value or index.")
  private String kind;

  @JsonPropertyDescription("The object: teams, players.team_id, division.'u20'.")
  private String name;

  @JsonPropertyDescription("added, altered or dropped, and what, e.g. altered: integer -> bigint.")
  private String change;

  @JsonPropertyDescription(
      "Drops or narrows what rows hold: no later migration brings the data back.")
  private boolean destructive;

  public RehearsalChange() {}

  public RehearsalChange(String kind, String name, String change, boolean destructive) {
    this.kind = kind;
    this.name = name;
    this.change = change;
    this.destructive = destructive;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getChange() {
    return change;
  }

  public void setChange(String change) {
    this.change = change;
  }

  public boolean isDestructive() {
    return destructive;
  }

  public void setDestructive(boolean destructive) {
    this.destructive = destructive;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RehearsalChange c
        && destructive == c.destructive
        && Objects.equals(kind, c.kind)
        && Objects.equals(name, c.name)
        && Objects.equals(change, c.change);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, change, destructive);
  }
}
