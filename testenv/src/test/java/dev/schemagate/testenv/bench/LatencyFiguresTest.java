package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.bench.LatencyFigures.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyFiguresTest {
  private static final long MS = 1_000_000;

  // written, pod Succeeded seen, Job Complete seen, released; in ms.
  private static final List<Sample> SAMPLES =
      List.of(
          sample(0, 5, 1005, 25), // released 980 ms before the Job's Complete
          sample(0, 4, 1010, 1030), // released after it
          sample(0, 6, 1000, 46));

  @Test
  void theHeadlineIsReleaseFromTheJobsCompleteAndFromThePodsSucceeded() {
    assertThat(LatencyFigures.headline(SAMPLES))
        .containsExactly(
            entry("release_latency_p50_ms", "-954.0"),
            entry("release_latency_p99_ms", "20.0"),
            entry("release_latency_max_ms", "20.0"),
            entry("pod_succeeded_to_release_p50_ms", "40.0"),
            entry("pod_succeeded_to_release_p99_ms", "1026.0"),
            entry("pod_succeeded_to_release_max_ms", "1026.0"));
  }

  @Test
  void allFiguresArePrefixedAndSayHowOftenTheReleaseCameFirst() {
    var figures = LatencyFigures.all("gate_", SAMPLES);

    assertThat(figures).allSatisfy((name, value) -> assertThat(name).startsWith("gate_"));
    assertThat(figures)
        .containsEntry("gate_latency_samples", "3")
        .containsEntry("gate_release_latency_p50_ms", "-954.0")
        .containsEntry("gate_status_written_to_release_p50_ms", "46.0")
        .containsEntry("gate_job_complete_after_pod_succeeded_p50_ms", "1000.0")
        .containsEntry("gate_job_complete_after_pod_succeeded_max_ms", "1006.0")
        .containsEntry("gate_released_before_job_complete", "2/3");
  }

  @Test
  void fractionsOfAMillisecondAreKept() {
    var one = List.of(new Sample(0, 0, 0, 1_250_000));

    assertThat(LatencyFigures.headline(one)).containsEntry("release_latency_p50_ms", "1.3");
  }

  private static Sample sample(long written, long podSucceeded, long jobComplete, long released) {
    return new Sample(written * MS, podSucceeded * MS, jobComplete * MS, released * MS);
  }

  private static java.util.Map.Entry<String, String> entry(String name, String value) {
    return java.util.Map.entry(name, value);
  }
}
