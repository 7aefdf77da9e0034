package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.runlog.Secrets;
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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "postgresql://app:pw@db:5432/basketball?sslmode=require |"
            + " postgresql://app:pw@db:5432/scratch?sslmode=require",
        "postgres://app@db                                    | postgres://app@db/scratch",
        "jdbc:postgresql://db/basketball?user=app               |"
            + " jdbc:postgresql://db/scratch?user=app",
        "PostgreSQL://db/?sslmode=verify-full                   |"
            + " PostgreSQL://db/scratch?sslmode=verify-full",
      })
  void withDatabaseNamesASiblingAsTheUserWroteIt(String url, String expected) {
    assertThat(DatabaseUrl.withDatabase(url, "scratch")).isEqualTo(expected);
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
  void theNewlineEchoLeavesInASecretIsNotPartOfTheUrl() {
    assertThat(DatabaseUrl.parse("postgresql://app:hunter2@db:5432/app\n"))
        .isEqualTo(DatabaseUrl.parse("postgresql://app:hunter2@db:5432/app"));
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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "postgresql://app:hunter2@db/app?sslmode=require&sslpassword=k3y | db:5432/app",
        "jdbc:postgresql://[::1],db2:5433/app?user=app&password=hunter2  | [::1]:5432,db2:5433/app",
        "postgres://app@db:6432                                          | db:6432",
      })
  void theLocationIsHostsPortsAndDatabaseAlone(String url, String location) {
    assertThat(DatabaseUrl.parse(url).location()).isEqualTo(location);
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(DatabaseUrl.parse("postgresql://app:hunter2@db/app"))
        .hasToString("jdbc:postgresql://db/app (user app, password set)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // parsed: the password as written and percent-decoded
        "postgresql://app:p%40ss%3Aw@db/app | FATAL: for p@ss:w and p%40ss%3Aw | FATAL: for *** and"
            + " ***",
        "jdbc:postgresql://db/app?user=app&password=hunter2 | got hunter2 | got ***",
        // malformed (port 54x2): never parsed, still redacted
        "postgresql://app:s3cr3t@db:54x2/app | s3cr3t at db | *** at db",
        "postgresql://app:pa/ss@db/app | bad pa/ss | bad ***",
        // another URL the text quotes
        " | Unmatched argument: 'postgres://u:x%20y@h/d' | Unmatched argument:"
            + " 'postgres://u:***@h/d'",
        " | jdbc:postgresql://h/d?user=u&password=pw&ssl=true |"
            + " jdbc:postgresql://h/d?user=u&password=***&ssl=true",
      })
  void redactsEveryFormOfThePassword(String url, String text, String redacted) {
    assertThat(Secrets.mask(text, DatabaseUrl.passwords(url))).isEqualTo(redacted);
  }

  @Test
  void redactionLeavesTextWithoutPasswordsAlone() {
    String text = "SQLSTATE 08001: Connection to db:5432 refused. (jdbc:postgresql://db:5432/app)";

    assertThat(Secrets.mask(text, DatabaseUrl.passwords("postgresql://app@db/app")))
        .isEqualTo(text);
    assertThat(Secrets.mask(text, DatabaseUrl.passwords(null))).isEqualTo(text);
  }

  @Test
  void theDataSourceAddsSettingsAfterTheUrlsOwnOptions() {
    var ds =
        DatabaseUrl.parse("postgresql://app:pw@db:5432/shop?options=-c%20search_path%3Dshop")
            .dataSource("schemagate-migrate-1", "lock_timeout=2000ms");

    assertThat(ds.getOptions()).isEqualTo("-c search_path=shop -c lock_timeout=2000ms");
    assertThat(ds.getApplicationName()).isEqualTo("schemagate-migrate-1");
    assertThat(ds.getUser()).isEqualTo("app");
    assertThat(ds.getPassword()).isEqualTo("pw");
    assertThat(ds.getServerNames()).containsExactly("db");
    assertThat(ds.getDatabaseName()).isEqualTo("shop");
  }

  @Test
  void withoutSettingsTheDataSourceHasNoOptions() {
    assertThat(DatabaseUrl.parse("postgres://db/shop").dataSource("watch").getOptions()).isNull();
  }
}
