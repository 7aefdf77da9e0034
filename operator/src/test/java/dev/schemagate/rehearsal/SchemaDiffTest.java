package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.rehearsal.Catalog.Column;
import dev.schemagate.rehearsal.Catalog.Index;
import dev.schemagate.rehearsal.Catalog.Table;
import dev.schemagate.rehearsal.Catalog.UserType;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaDiffTest {
  private static final Column ID = new Column("id", "integer", true);
  private static final Column NAME = new Column("name", "character varying(100)", true);
  private static final Column EMAIL = new Column("email", "text", false);
  private static final Table PLAYERS = new Table("players", List.of(ID, NAME, EMAIL));
  private static final UserType DIVISION =
      new UserType("division", "enum", List.of("boys", "girls"));
  private static final Index IX_NAME =
      new Index(
          "ix_players_name",
          "players",
          "CREATE INDEX ix_players_name ON players USING btree (name)",
          true);
  private static final Catalog BASE =
      catalog(List.of(PLAYERS), List.of(DIVISION), List.of(IX_NAME));

  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of("nothing", BASE, List.of()),
        Arguments.of(
            "a table added",
            catalog(
                List.of(
                    PLAYERS,
                    new Table("teams", List.of(ID, new Column("division", "division", true)))),
                List.of(DIVISION),
                List.of(IX_NAME)),
            List.of("+ table teams: id integer NOT NULL, division division NOT NULL")),
        Arguments.of(
            "a table dropped",
            catalog(List.of(), List.of(DIVISION), List.of()),
            List.of(
                "- table players [destructive]",
                "- index ix_players_name: CREATE INDEX ix_players_name ON players USING btree"
                    + " (name)")),
        Arguments.of(
            "a nullable column added",
            withPlayers(ID, NAME, EMAIL, new Column("team_id", "integer", false)),
            List.of("+ column players.team_id: integer")),
        Arguments.of(
            "a column dropped",
            withPlayers(ID, NAME),
            List.of("- column players.email: text [destructive]")),
        Arguments.of(
            "NOT NULL added to an existing column",
            withPlayers(ID, NAME, new Column("email", "text", true)),
            List.of("~ column players.email: NOT NULL added [destructive]")),
        Arguments.of(
            "NOT NULL dropped",
            withPlayers(ID, new Column("name", "character varying(100)", false), EMAIL),
            List.of("~ column players.name: NOT NULL dropped")),
        Arguments.of(
            "a varchar widened",
            withPlayers(ID, new Column("name", "character varying(200)", true), EMAIL),
            List.of("~ column players.name: character varying(100) -> character varying(200)")),
        Arguments.of(
            "a varchar narrowed",
            withPlayers(ID, new Column("name", "character varying(50)", true), EMAIL),
            List.of(
                "~ column players.name: character varying(100) -> character varying(50) (not a"
                    + " known widening) [destructive]")),
        Arguments.of(
            "an integer widened and made nullable",
            withPlayers(new Column("id", "bigint", false), NAME, EMAIL),
            List.of("~ column players.id: integer -> bigint, NOT NULL dropped")),
        Arguments.of(
            "an enum value added",
            withTypes(new UserType("division", "enum", List.of("boys", "girls", "coed"))),
            List.of("+ type value division.'coed'")),
        Arguments.of(
            "an enum value dropped",
            withTypes(new UserType("division", "enum", List.of("boys"))),
            List.of("- type value division.'girls' [destructive]")),
        Arguments.of(
            "a type added",
            withTypes(DIVISION, new UserType("agegroup", "enum", List.of("u10", "u12"))),
            List.of("+ type agegroup: enum ('u10', 'u12')")),
        Arguments.of(
            "a type dropped",
            withTypes(),
            List.of("- type division: enum ('boys', 'girls') [destructive]")),
        Arguments.of(
            "a domain added",
            withTypes(DIVISION, new UserType("email", "domain", List.of("text", "NOT NULL"))),
            List.of("+ type email: domain over text NOT NULL")),
        Arguments.of(
            "an index left invalid by CREATE INDEX CONCURRENTLY",
            withIndexes(
                IX_NAME,
                new Index(
                    "ix_players_email",
                    "players",
                    "CREATE INDEX ix_players_email ON players USING btree (email)",
                    false)),
            List.of(
                "+ index ix_players_email: CREATE INDEX ix_players_email ON players USING btree"
                    + " (email) (INVALID: a failed CREATE INDEX CONCURRENTLY)")),
        Arguments.of(
            "an index altered",
            withIndexes(
                new Index(
                    "ix_players_name",
                    "players",
                    "CREATE UNIQUE INDEX ix_players_name ON players USING btree (name)",
                    true)),
            List.of(
                "~ index ix_players_name: CREATE INDEX ix_players_name ON players USING btree"
                    + " (name) -> CREATE UNIQUE INDEX ix_players_name ON players USING btree"
                    + " (name)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void changesAsLines(String what, Catalog after, List<String> lines) {
    assertThat(SchemaDiff.between(BASE, after).stream().map(SchemaChange::line))
        .containsExactlyElementsOf(lines);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "character varying(100) | character varying(200)          | false",
        "character varying(100) | character varying(50)           | true",
        "character varying(100) | character varying(100), NOT NULL | true",
        "character varying(100), NOT NULL | character varying(200) | false",
      })
  void aDomainNarrowedIsDestructive(String before, String after, boolean destructive) {
    assertThat(SchemaDiff.between(emailDomain(before), emailDomain(after)))
        .singleElement()
        .extracting(SchemaChange::destructive)
        .isEqualTo(destructive);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "character varying(10) | character varying(20) | true",
        "character varying(20) | character varying(10) | false",
        "character varying(10) | character varying     | true",
        "character varying     | character varying(10) | false",
        "character varying(10) | text                  | true",
        "text                  | character varying(10) | false",
        "integer               | bigint                | true",
        "bigint                | integer               | false",
        "smallint              | numeric               | true",
        "real                  | double precision      | true",
        "double precision      | real                  | false",
        "numeric(10,2)         | numeric(12,2)         | true",
        "numeric(10,2)         | numeric(12,4)         | true",
        "numeric(10,2)         | numeric(10,4)         | false",
        "numeric(10,2)         | numeric               | true",
        "numeric               | numeric(10,2)         | false",
        "integer               | text                  | true",
        "text                  | integer               | false",
        "timestamp without time zone | timestamp with time zone | true",
        "integer               | uuid                  | false",
      })
  void widening(String from, String to, boolean widens) {
    assertThat(SchemaDiff.widens(from, to)).isEqualTo(widens);
  }

  @org.junit.jupiter.api.Test
  void withoutLeavesOutHistoryTablesAndTheirIndexes() {
    var history = new Table("flyway_schema_history", List.of(ID));
    var index =
        new Index(
            "flyway_schema_history_pk", "flyway_schema_history", "CREATE UNIQUE INDEX ...", true);
    var catalog = catalog(List.of(PLAYERS, history), List.of(), List.of(IX_NAME, index));

    assertThat(catalog.without(Set.of("flyway_schema_history")))
        .isEqualTo(catalog(List.of(PLAYERS), List.of(), List.of(IX_NAME)));
  }

  /** BASE with these types instead of its own. */
  private static Catalog withTypes(UserType... types) {
    return catalog(List.of(PLAYERS), List.of(types), List.of(IX_NAME));
  }

  /** BASE with these indexes instead of its own. */
  private static Catalog withIndexes(Index... indexes) {
    return catalog(List.of(PLAYERS), List.of(DIVISION), List.of(indexes));
  }

  /** A catalog holding only the domain email over {@code definition}, split on ", ". */
  private static Catalog emailDomain(String definition) {
    return catalog(
        List.of(),
        List.of(new UserType("email", "domain", List.of(definition.split(", ")))),
        List.of());
  }

  private static Catalog withPlayers(Column... columns) {
    return catalog(
        List.of(new Table("players", List.of(columns))), List.of(DIVISION), List.of(IX_NAME));
  }

  private static Catalog catalog(List<Table> tables, List<UserType> types, List<Index> indexes) {
    return new Catalog(
        tables.stream().collect(java.util.stream.Collectors.toMap(Table::name, t -> t)),
        types.stream().collect(java.util.stream.Collectors.toMap(UserType::name, t -> t)),
        indexes.stream().collect(java.util.stream.Collectors.toMap(Index::name, i -> i)));
  }
}
