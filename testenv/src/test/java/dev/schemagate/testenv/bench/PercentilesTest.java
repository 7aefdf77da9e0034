package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Nearest rank, checked against values worked out by hand: rank ⌈p/100 · n⌉ of the sorted n. */
class PercentilesTest {
  private static final List<Double> FIVE = List.of(15.0, 20.0, 35.0, 40.0, 50.0);

  @ParameterizedTest
  @CsvSource({
    "5, 15", // rank ⌈0.25⌉ = 1
    "30, 20", // ⌈1.5⌉ = 2
    "40, 20", // ⌈2.0⌉ = 2: an exact rank is not rounded up
    "50, 35", // ⌈2.5⌉ = 3
    "100, 50"
  })
  void ofFiveValues(int p, double expected) {
    assertThat(Percentiles.nearestRank(FIVE, p)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "25, 7", // n = 10: rank ⌈2.5⌉ = 3
    "50, 8", // 5
    "75, 15", // ⌈7.5⌉ = 8
    "99, 20", // ⌈9.9⌉ = 10: with 10 samples the p99 is the maximum
    "100, 20"
  })
  void ofTenUnsortedValuesWithADuplicate(int p, double expected) {
    var values = List.of(20.0, 8.0, 3.0, 16.0, 7.0, 13.0, 8.0, 6.0, 15.0, 10.0);

    assertThat(Percentiles.nearestRank(values, p)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "1, 1",
    "7, 7",
    "50, 50",
    "99, 99",
    "100, 100",
  })
  void ofOneToAHundredIsPItself(int p, double expected) {
    var values = IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList();

    // 7: in doubles, 7 / 100.0 * 100 = 7.000000000000001 would round the rank up to 8.
    assertThat(Percentiles.nearestRank(values, p)).isEqualTo(expected);
  }

  @Test
  void ofOneValueIsThatValue() {
    for (int p : new int[] {1, 50, 99, 100}) {
      assertThat(Percentiles.nearestRank(List.of(42.5), p)).isEqualTo(42.5);
    }
  }

  @Test
  void leavesTheSamplesAsTheyWere() {
    var values = new ArrayList<>(List.of(3.0, 1.0, 2.0));

    Percentiles.nearestRank(values, 50);

    assertThat(values).containsExactly(3.0, 1.0, 2.0);
  }

  @Test
  void noSamplesHaveNoPercentile() {
    assertThatThrownBy(() -> Percentiles.nearestRank(List.of(), 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no samples");
  }

  @Test
  void percentilesOutsideOneToAHundredAreRefused() {
    assertThatThrownBy(() -> Percentiles.nearestRank(FIVE, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.nearestRank(FIVE, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
