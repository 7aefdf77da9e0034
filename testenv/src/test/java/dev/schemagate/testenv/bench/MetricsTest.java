package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTest {
  static final String TEXT =
      """
      # HELP jvm_memory_used_bytes The amount of used memory
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="Tenured Gen"} 2.097152E7
      jvm_memory_used_bytes{area="heap",id="Eden Space"} 1048576.0
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 4.194304E7
      jvm_memory_used_bytes_max{area="heap"} 9.9E9
      jvm_threads_live_threads 31.0
      operator_sdk_reconciliations_started_total{group="schemagate.dev",kind="SchemaMigration"} 1000.0
      operator_sdk_reconciliations_started_total{group="schemagate.dev",kind="Other"} 3.0 1733000000
      """;

  @Test
  void sumsTheSamplesWithTheGivenLabels() {
    assertThat(Metrics.sum(TEXT, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(22_020_096.0);
    assertThat(Metrics.sum(TEXT, "jvm_memory_used_bytes", "area=\"nonheap\""))
        .isEqualTo(41_943_040.0);
  }

  @Test
  void noLabelsSumsEverySampleOfTheNameAndNoLongerName() {
    assertThat(Metrics.sum(TEXT, "jvm_memory_used_bytes")).isEqualTo(63_963_136.0);
    assertThat(Metrics.sum(TEXT, "jvm_threads_live_threads")).isEqualTo(31.0);
  }

  @Test
  void reconcilesAreTheStartedOnesOfEveryKind() {
    assertThat(Metrics.reconciles(TEXT)).isEqualTo(1003.0);
  }

  @Test
  void anAbsentNameSumsToZero() {
    assertThat(Metrics.sum(TEXT, "jvm_gc_live_data_size_bytes")).isZero();
  }
}
