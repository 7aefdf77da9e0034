package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "postgresql://app:hunter2@db:5432/basketball?sslmode=require |"
            + " jdbc:postgresql://db:5432/basketball?sslmode=require | app | hunter2",
        "postgres://app:hunter2@db/basketball                        |"
            + " jdbc:postgresql://db/basketball                       | app | hunter2",
        "jdbc:postgresql://db:5433/basketball?user=app&password=hunter2&ssl=true |"
            + " jdbc:postgresql://db:5433/basketball?ssl=true | app | hunter2",
        "PostgreSQL://app@db/basketball                              |"
            + " jdbc:postgresql://db/basketball                       | app |",
        "postgresql://db                                             | jdbc:postgresql://db/       "
            + "                          |     |",
        "postgresql://app:hunter2@[::1]:5432,db2:5433/basketball     |"
            + " jdbc:postgresql://[::1]:5432,db2:5433/basketball      | app | hunter2",
        "postgresql://app:old@db/basketball?password=hunter2         |"
            + " jdbc:postgresql://db/basketball                       | app | hunter2",
      })
  void splitsCredentialsFromTheJdbcUrl(String url, String jdbcUrl, String user, String password) {
    assertThat(DatabaseUrl.parse(url)).isEqualTo(new DatabaseUrl(jdbcUrl, user, password));
  }

  @Test
  void percentDecodesUserAndPassword() {
    DatabaseUrl db =
        DatabaseUrl.parse(
            "postgresql://me%40corp:p%40ss%2Fw%3Ard+x%C3%A9@db/app?password=&user=me%40corp");

    assertThat(db.user()).isEqualTo("me@corp");
    assertThat(db.password()).isEmpty();
    assertThat(
            DatabaseUrl.parse("postgresql://me%40corp:p%40ss%2Fw%3Ard+x%C3%A9@db/app").password())
        .isEqualTo("p@ss/w:rd+xé");
  }

  @Test
  void anUnencodedAtSignInThePasswordStillParses() {
    assertThat(DatabaseUrl.parse("postgresql://app:hun@ter2@db/app").password())
        .isEqualTo("hun@ter2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "db.example:5432/app",
        "mysql://app:hunter2@db/app",
        "postgresql://app:hunter2@/app",
        "postgresql://app:hunter2@db:54x2/app",
        "postgresql://app:hunter2@db:99999/app",
        "postgresql://app:hun%zzter2@db/app",
        "postgresql://app:hun/ter2@db/app",
        "postgresql://app:hunter2@db,/app",
      })
  void malformedUrlsGiveOneLineWithoutThePassword(String url) {
    assertThatThrownBy(() -> DatabaseUrl.parse(url))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("invalid database URL: ")
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hun", "ter2", "\n"));
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(DatabaseUrl.parse("postgresql://app:hunter2@db/app"))
        .hasToString("jdbc:postgresql://db/app (user app, password set)");
  }
}
