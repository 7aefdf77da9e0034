package dev.schemagate.testenv.bench;

import java.util.Collection;

/**
 * Percentiles by nearest rank: always one of the samples, never an interpolation between two, so a
 * reported p99 is a latency that was actually measured.
 */
public final class Percentiles {
  private Percentiles() {}

  /**
   * The {@code p}-th percentile of {@code values}: the value at 1-based rank ⌈p/100 · n⌉ of the n
   * values in ascending order.
   *
   * @throws IllegalArgumentException if there are no values (no figure is better than a made-up
   *     one), or p is not in 1..100
   */
  public static double nearestRank(Collection<Double> values, int p) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    if (p < 1 || p > 100) {
      throw new IllegalArgumentException("percentile " + p + " is not in 1..100");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    // Integer arithmetic: in doubles, 7 / 100.0 * 100 is 7.000000000000001, whose ceiling is 8.
    long rank = (p * (long) sorted.length + 99) / 100;
    return sorted[(int) rank - 1];
  }
}
