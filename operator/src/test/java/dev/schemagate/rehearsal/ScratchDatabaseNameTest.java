package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScratchDatabaseNameTest {
  private static final Instant CREATED = Instant.parse("2026-12-07T17:00:00Z");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "5c1f0a9e2b                | schemagate_rehearsal_5c1f0a9e2b_0a1b2c3d",
        "'Release 1.8: Teams!'     | schemagate_rehearsal_release_1_8_teams_0a1b2c3d",
        "''                        | schemagate_rehearsal_0a1b2c3d",
        "___                       | schemagate_rehearsal_0a1b2c3d",
        "a-very-long-revision-name-that-goes-on-and-on-and-on |"
            + " schemagate_rehearsal_a_very_long_revision_name_that_go_0a1b2c3d",
      })
  void namesSaySchemaGateAndTheRevision(String revision, String name) {
    assertThat(ScratchDatabaseName.of(revision, "0a1b2c3d"))
        .isEqualTo(name)
        .hasSizeLessThanOrEqualTo(63);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // name | minutes after creation | stale
        "schemagate_rehearsal_x_0a1b2c3d | 61 | true",
        "schemagate_rehearsal_x_0a1b2c3d | 59 | false",
        "app_production                  | 600 | false",
      })
  void staleWhenOursAndOlderThanTheSweepAge(String name, long minutes, boolean stale) {
    String comment = ScratchDatabaseName.comment(CREATED, Duration.ofHours(1));
    assertThat(
            ScratchDatabaseName.isStale(
                name, comment, CREATED.plus(Duration.ofMinutes(minutes)), Duration.ofHours(1)))
        .isEqualTo(stale);
  }

  @Test
  void aDatabaseOfOurNameWithoutOurCommentIsNotOursToDrop() {
    var later = CREATED.plus(Duration.ofDays(30));
    assertThat(
            ScratchDatabaseName.isStale("schemagate_rehearsal_x", null, later, Duration.ofHours(1)))
        .isFalse();
    assertThat(
            ScratchDatabaseName.isStale(
                "schemagate_rehearsal_x", "the team's copy, keep", later, Duration.ofHours(1)))
        .isFalse();
  }

  @Test
  void theCommentSaysWhenItWasMade() {
    assertThat(ScratchDatabaseName.comment(CREATED, Duration.ofHours(1)))
        .isEqualTo(
            "SchemaGate rehearsal scratch copy, created 2026-12-07T17:00:00Z; dropped when the"
                + " rehearsal ends, or by a later one after PT1H");
    assertThat(
            ScratchDatabaseName.created(ScratchDatabaseName.comment(CREATED, Duration.ofHours(1))))
        .contains(CREATED);
  }
}
