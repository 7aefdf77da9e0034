package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.CommandRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the command refuses before it connects anywhere: one line, exit code 2. */
class RehearseCommandTest {
  private static final String URL = "postgresql://app:s3cr3t@127.0.0.1:1/app";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--url= --dir=/m                          | no database URL: pass --url or set"
            + " DATABASE_URL",
        "--url=mysql://db/app --dir=/m            | invalid database URL: expected postgresql://,"
            + " postgres:// or jdbc:postgresql://",
        "--url=URL                                | give either --dir with Flyway SQL or a command"
            + " after --, not neither",
        "--url=URL --dir=/m -- alembic upgrade head | give either --dir with Flyway SQL or a"
            + " command after --, not both",
        "--url=URL --command                      | --command needs the command after --: --command"
            + " -- alembic upgrade head",
        "--url=URL --dir=/m --output=yaml          | invalid --output: yaml (text or json)",
        "--url=URL --dir=/m --dump-lock-timeout=0s | invalid --dump-lock-timeout: must be more than"
            + " 0",
        "--url=URL --dir=/m --sweep-after=soon     | invalid --sweep-after: not a duration such as"
            + " 500ms, 2s, 10m or 1h30m: soon",
      })
  void invalidInput(String args, String message) {
    var argv = new ArrayList<>(List.of("rehearse"));
    for (String a : args.split(" ")) {
      argv.add(a.replace("URL", URL));
    }

    CommandRun run = CommandRun.of(argv);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("rehearsal could not run: " + message + "\n");
    assertThat(run.out()).isEmpty();
  }
}
