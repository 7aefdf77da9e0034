package dev.schemagate.testenv.bench;

import java.util.regex.Pattern;

/** Figures from Prometheus text: the operator's /metrics and the API server's. */
public final class Metrics {
  private Metrics() {}

  /**
   * Sum of the samples of {@code name} whose labels contain every {@code label="value"} given:
   * {@code sum(text, "jvm_memory_used_bytes", "area=\"heap\"")} adds up the heap's pools.
   */
  public static double sum(String text, String name, String... labels) {
    var line =
        Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);
    var m = line.matcher(text);
    double total = 0;
    while (m.find()) {
      var set = m.group(1) == null ? "" : m.group(1);
      var all = true;
      for (var l : labels) {
        all &= set.contains(l);
      }
      if (all) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  /** Reconciles started, from JOSDK's Micrometer metric operator.sdk.reconciliations.started. */
  public static double reconciles(String operatorMetrics) {
    return sum(operatorMetrics, "operator_sdk_reconciliations_started_total");
  }
}
