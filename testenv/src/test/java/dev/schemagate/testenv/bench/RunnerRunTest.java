package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerRunTest {
  @Test
  void peakRssIsGnuTimesLastNumberLine() {
    assertThat(RunnerRun.peakKib(List.of("Command exited with non-zero status 1", "70412")))
        .isEqualTo(70412);
    assertThat(RunnerRun.peakKib(List.of())).isZero();
  }

  @Test
  void theJobsRunnerComesFirstAndEveryArchiveHasItsTrainingRun() {
    var setups = RunnerRun.setups(Path.of("/tmp/w"));

    assertThat(setups.get(0).name()).isEqualTo("job");
    assertThat(setups.get(0).jvm()).contains("-XX:MaxRAMPercentage=75", "-Xms8m");
    assertThat(setups.get(0).training()).isEmpty();
    assertThat(setups)
        .filteredOn(s -> s.jvm().stream().anyMatch(o -> o.contains("SharedArchiveFile=")))
        .allSatisfy(
            s -> assertThat(s.training()).anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")));
    assertThat(setups)
        .filteredOn(s -> s.jvm().stream().anyMatch(o -> o.startsWith("-XX:AOTCache=")))
        .allSatisfy(
            s -> assertThat(s.training()).anyMatch(o -> o.startsWith("-XX:AOTCacheOutput=")));
  }
}
