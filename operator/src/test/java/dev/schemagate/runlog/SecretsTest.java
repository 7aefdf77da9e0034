package dev.schemagate.runlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The masker's table: each form a password takes in a tool's output. The operator's reading of a
 * failed pod's output and the runner's own failure line both go through it.
 */
class SecretsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // a URL's user info, whatever the scheme
        "postgresql://app:Tr0ub4dor%263@db:5432/app | postgresql://app:***@db:5432/app",
        "DSN postgres://app:hunter2@db/app) | DSN postgres://app:***@db/app)",
        "'postgres://u:x%20y@h/d' | 'postgres://u:***@h/d'",
        "mysql+pymysql://root:pw@db/x | mysql+pymysql://root:***@db/x",
        // a password with an '@' or a quote in it, written raw: masked whole
        "postgres://u:p@ss@h/d | postgres://u:***@h/d",
        "postgres://u:pa\"ss@h/d | postgres://u:***@h/d",
        // a user without a password: nothing to mask
        "postgresql://app@db/app | postgresql://app@db/app",
        // key=value and key: value, quoted or not, any case
        "host=db user=app password=hunter2 dbname=app | host=db user=app password=*** dbname=app",
        "jdbc:postgresql://h/d?user=u&password=pw&ssl=true"
            + " | jdbc:postgresql://h/d?user=u&password=***&ssl=true",
        "PASSWORD = 'with spaces' | PASSWORD = ***",
        "passwd: \"x y\" | passwd: ***",
        "pwd=s3cr3t; next | pwd=***; next",
        // words that only look like a key
        "FATAL:  password authentication failed | FATAL:  password authentication failed",
        "SQLSTATE 08001: Connection to db:5432 refused | SQLSTATE 08001: Connection to db:5432"
            + " refused",
      })
  void masksEveryFormAPasswordTakesInOutput(String text, String masked) {
    assertThat(Secrets.mask(text)).isEqualTo(masked);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // echoed without its key: only knowing it finds it
        "FATAL: for p@ss:w | p@ss:w | FATAL: for ***",
        // the longer first, so that no part of it is left
        "got abcdef | abc,abcdef | got ***",
      })
  void masksAKnownPasswordWhereverItStands(String text, String known, String masked) {
    assertThat(Secrets.mask(text, List.of(known.split(",")))).isEqualTo(masked);
  }
}
