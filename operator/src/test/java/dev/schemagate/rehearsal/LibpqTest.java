package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.runner.DatabaseUrl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LibpqTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "postgresql://app:pw@db:5433/basketball?sslmode=require&ApplicationName=x | host='db'"
            + " port='5433' dbname='basketball' user='app' sslmode='require'",
        "postgres://app@db/basketball                                          | host='db'"
            + " port='5432' dbname='basketball' user='app'",
        "postgresql://app@[::1]:5432,db2/my%20db?connectTimeout=3               | host='::1,db2'"
            + " port='5432,5432' dbname='my db' user='app' connect_timeout='3'",
        "postgresql://o%27brien@db/app                                         | host='db'"
            + " port='5432' dbname='app' user='o\\'brien'",
      })
  void connectionStringWithoutThePassword(String url, String conninfo) {
    assertThat(Libpq.connectionString(DatabaseUrl.parse(url)))
        .isEqualTo(conninfo)
        .doesNotContain("pw");
  }
}
