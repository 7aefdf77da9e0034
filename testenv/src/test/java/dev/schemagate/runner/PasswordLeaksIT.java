package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.chaos.PasswordLeaksRun;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner jar, given well-formed and malformed URLs that hold a canary password, never writes it
 * (in any form) to stdout, stderr or the termination log that becomes the status message.
 */
class PasswordLeaksIT {
  @TempDir Path tmp;

  @Test
  void noOutputOfTheRunnerHoldsThePassword() throws Exception {
    var outcomes = PasswordLeaksRun.run(tmp);

    assertThat(outcomes).hasSizeGreaterThan(10);
    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o.hits()).as(o.name() + ": " + o.output()).isZero());
    // The cases do what they say: the well-formed ones migrate, the others fail.
    var succeeding = Set.of("valid", "trailing_newline", "at_in_password_unencoded");
    assertThat(outcomes)
        .allSatisfy(
            o ->
                assertThat(o.exitCode() == 0)
                    .as(o.name() + ": " + o.output())
                    .isEqualTo(succeeding.contains(o.name())));
    assertThat(outcomes)
        .filteredOn(o -> o.name().equals("failing_sql"))
        .singleElement()
        .satisfies(o -> assertThat(o.output()).contains("SQLSTATE 42601"));
  }
}
