package dev.schemagate.testenv.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The release-latency figures of one mechanism from its samples, as name=value pairs in the order
 * printed. Every interval ends at the release; a negative one (from the Job's Complete) means the
 * release came first.
 */
final class LatencyFigures {
  private LatencyFigures() {}

  /**
   * One upgrade, as System.nanoTime() stamps: the bench's status write that made the migration pod
   * succeed, and what the watch saw after it.
   *
   * @param written before the bench wrote the migration pod's Succeeded status
   * @param podSucceeded the watch saw the migration pod Succeeded
   * @param jobComplete the watch saw the Job's Complete condition
   * @param released the watch saw the first held pod of the new image released
   */
  record Sample(long written, long podSucceeded, long jobComplete, long released) {}

  /**
   * The figures issues and dashboards name: release from the Job's Complete, and from the pod's.
   */
  static Map<String, String> headline(List<Sample> samples) {
    var figures = new LinkedHashMap<String, String>();
    percentiles(figures, "release_latency", samples, Sample::jobComplete, Sample::released);
    percentiles(
        figures, "pod_succeeded_to_release", samples, Sample::podSucceeded, Sample::released);
    return figures;
  }

  /** All figures, each name prefixed ({@code gate_}, say). */
  static Map<String, String> all(String prefix, List<Sample> samples) {
    var figures = new LinkedHashMap<String, String>();
    figures.put(prefix + "latency_samples", Integer.toString(samples.size()));
    headline(samples).forEach((name, value) -> figures.put(prefix + name, value));
    percentiles(
        figures, prefix + "status_written_to_release", samples, Sample::written, Sample::released);
    // How far the Job controller's condition trails the pod: what releasing on the pod saves.
    percentiles(
        figures,
        prefix + "job_complete_after_pod_succeeded",
        samples,
        Sample::podSucceeded,
        Sample::jobComplete);
    var early = samples.stream().filter(s -> s.released() < s.jobComplete()).count();
    figures.put(prefix + "released_before_job_complete", early + "/" + samples.size());
    return figures;
  }

  private static void percentiles(
      Map<String, String> figures,
      String name,
      List<Sample> samples,
      ToLongFunction<Sample> from,
      ToLongFunction<Sample> to) {
    var ms = samples.stream().map(s -> (to.applyAsLong(s) - from.applyAsLong(s)) / 1e6).toList();
    for (var p : new int[] {50, 99, 100}) {
      figures.put(
          name + (p == 100 ? "_max" : "_p" + p) + "_ms",
          String.format(Locale.ROOT, "%.1f", Percentiles.nearestRank(ms, p)));
    }
  }
}
