package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class SlopeRunTest {
  @Test
  void perMigrationIsTheRssDifferenceOverTheCountDifference() {
    // 150 MiB at 1,000 and 120 MiB at 300: 30 MiB over 700 SchemaMigrations.
    assertThat(SlopeRun.perMigration(150 * 1024, 120 * 1024, 1000, 300))
        .isCloseTo(43.9, offset(0.1));
  }

  @Test
  void aSlopeOverFewSchemaMigrationsSaysItIsNoise() {
    assertThat(SlopeRun.figure(150 * 1024, 120 * 1024, 1000, 300))
        .isEqualTo("43.9 (1000 vs 300 SchemaMigrations)");
    assertThat(SlopeRun.figure(140 * 1024, 141 * 1024, 100, 30))
        .isEqualTo(
            "-14.6 (100 vs 30 SchemaMigrations; fewer than 500 apart: noise, take it from a 1,000"
                + " run)");
  }
}
