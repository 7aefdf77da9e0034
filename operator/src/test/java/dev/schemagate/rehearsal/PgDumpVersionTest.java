package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PgDumpVersionTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1) | 150018 | 15",
        "pg_dump (PostgreSQL) 17.2                           | 170002 | 17",
        "pg_dump (PostgreSQL) 18beta1                        | 180000 | 18",
        "pg_dump (PostgreSQL) 9.6.24                         | 90624  | 9.6",
      })
  void readsTheVersionLine(String line, int number, String major) {
    var version = PgDumpVersion.ofVersionLine(line).orElseThrow();
    assertThat(version.number()).isEqualTo(number);
    assertThat(version.majorName()).isEqualTo(major);
  }

  @Test
  void notAPgDump() {
    assertThat(PgDumpVersion.ofVersionLine("bash: pg_dump: command not found")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // pg_dump | server | why not, empty if it can
        "150018 | 150004 | ",
        "150018 | 150020 | ",
        "170002 | 150004 | ",
        "150018 | 90624  | ",
        "150018 | 170002 | the server runs PostgreSQL 17 and /usr/bin/pg_dump is pg_dump 15:"
            + " pg_dump must be of the server's major version or newer (install"
            + " postgresql-client-17, or name one with --pg-dump)",
        "150018 | 90100  | the server runs PostgreSQL 9.1, older than 9.2, the oldest pg_dump 15"
            + " reads",
      })
  void dumpsServersOfItsMajorAndOlder(int pgDump, int server, String why) {
    assertThat(new PgDumpVersion(pgDump).cannotDump(new PgDumpVersion(server), "/usr/bin/pg_dump"))
        .isEqualTo(java.util.Optional.ofNullable(why));
  }
}
