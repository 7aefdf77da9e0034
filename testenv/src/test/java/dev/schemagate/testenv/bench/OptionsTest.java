package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void defaultsAreTheFullRun() {
    var options = Options.parse(new String[0]);

    assertThat(options.migrations()).isEqualTo(1000);
    assertThat(options.namespaces()).isEqualTo(10);
    assertThat(options.latencySamples()).isEqualTo(100);
  }

  @Test
  void quickIsAShortRunOfEveryPhase() {
    var options = Options.parse(new String[] {"--quick"});

    assertThat(options.migrations()).isEqualTo(100);
    assertThat(options.latencySamples()).isEqualTo(5);
    assertThat(options.namespaces()).isEqualTo(10);
    assertThat(options.runnerRounds()).isEqualTo(3);
    assertThat(options.runnerOnly()).isFalse();
  }

  @Test
  void runnerOnlyAndSlopeAreOptions() {
    var options =
        Options.parse(new String[] {"--runner-only", "--runner-rounds=7", "--slope-namespaces=2"});

    assertThat(options.runnerOnly()).isTrue();
    assertThat(options.runnerRounds()).isEqualTo(7);
    assertThat(options.slopeNamespaces()).isEqualTo(2);
    assertThat(Options.parse(new String[0]).slopeNamespaces()).isEqualTo(3);
  }

  @Test
  void theCurveGoesToTheMigrationsFromATenthOfThem() {
    assertThat(Options.parse(new String[0]).curve()).containsExactly(100, 1000);
    assertThat(Options.parse(new String[] {"--migrations=60"}).curve()).containsExactly(6, 60);
    assertThat(Options.parse(new String[] {"--migrations=5"}).curve()).containsExactly(5);
  }

  @Test
  void theCurvesSizesAreGivenInAnyOrderAndZeroSkips() {
    assertThat(Options.parse(new String[] {"--curve=5000,100, 1000"}).curve())
        .containsExactly(100, 1000, 5000);
    assertThat(Options.parse(new String[] {"--curve=0"}).curve()).isEmpty();
    assertThat(Options.parse(new String[] {"--curve="}).curve()).isEmpty();
    assertThatThrownBy(() -> Options.curve("-5,100")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsGivenWinOverQuick() {
    var options =
        Options.parse(new String[] {"--latency-samples=20", "--quick", "--migrations=50"});

    assertThat(options.migrations()).isEqualTo(50);
    assertThat(options.latencySamples()).isEqualTo(20);
  }

  @Test
  void theUsageNamesQuicksFigures() {
    assertThat(Options.USAGE)
        .contains(
            "--quick is a short run for CI: --migrations=100 --latency-samples=5"
                + " --runner-rounds=3");
  }
}
