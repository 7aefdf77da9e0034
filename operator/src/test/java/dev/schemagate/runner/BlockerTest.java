package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockerTest {
  @Test
  void describesThePidStateTransactionAgeAndQuery() {
    var blocker =
        new Blocker(
            17,
            Optional.of("active"),
            Optional.of(Duration.ofMillis(2500)),
            Optional.of("  SELECT *\n  FROM players\n  FOR UPDATE  "));

    assertThat(blocker.describe())
        .isEqualTo("pid 17 (active, transaction open 2.5s): SELECT * FROM players FOR UPDATE");
  }

  @Test
  void showsTheQuerysFirst100CharactersOnly() {
    String query = "SELECT '" + "é".repeat(200) + "'";

    String shown =
        new Blocker(1, Optional.empty(), Optional.empty(), Optional.of(query))
            .describe()
            .substring("pid 1: ".length());

    assertThat(shown).isEqualTo(query.substring(0, 100) + "...");
  }

  @Test
  void aSessionTheServerHidesShowsItsPidAndHowToSeeMore() {
    assertThat(new Blocker(99, Optional.empty(), Optional.empty(), Optional.empty()).describe())
        .isEqualTo(
            "pid 99: query not visible to the migration's user (grant it pg_read_all_stats)");
  }

  @Test
  void aTransactionAgeWithoutAStateStillReads() {
    assertThat(
            new Blocker(5, Optional.empty(), Optional.of(Duration.ofSeconds(12)), Optional.of("x"))
                .describe())
        .isEqualTo("pid 5 (transaction open 12s): x");
  }
}
