package dev.schemagate.testenv.bench;

import dev.schemagate.testenv.OperatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The operator's footprint at one moment: its resident set from /proc/PID/status, heap, non-heap
 * and threads from its /metrics, its CPU seconds so far.
 */
record Memory(
    OptionalLong rssKib,
    double heapUsedBytes,
    double heapCommittedBytes,
    double nonheapUsedBytes,
    double threads,
    double cpuSeconds,
    double liveAfterGcBytes) {
  private static final double MIB = 1024 * 1024;

  /** Prints the operator's figures now, their names ending in {@code suffix}. */
  static void print(String suffix, OperatorProcess operator)
      throws IOException, InterruptedException {
    of(operator.pid(), operator.metrics()).figures(suffix).forEach(Output::put);
  }

  static Memory of(long pid, String metrics) {
    OptionalLong rss;
    try {
      rss = rssKib(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    } catch (IOException e) {
      rss = OptionalLong.empty();
    }
    return of(rss, metrics, Cpu.secondsOf(pid));
  }

  static Memory of(OptionalLong rssKib, String metrics, double cpuSeconds) {
    return new Memory(
        rssKib,
        Metrics.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\""),
        Metrics.sum(metrics, "jvm_memory_committed_bytes", "area=\"heap\""),
        Metrics.sum(metrics, "jvm_memory_used_bytes", "area=\"nonheap\""),
        Metrics.sum(metrics, "jvm_threads_live_threads"),
        cpuSeconds,
        // The old generation after the last major GC: the live set, garbage not counted.
        Metrics.sum(metrics, "jvm_gc_live_data_size_bytes"));
  }

  /** VmRSS of /proc/PID/status lines, in KiB; empty when the process is gone or has no RSS. */
  static OptionalLong rssKib(List<String> status) {
    return status.stream()
        .filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
        .findFirst();
  }

  /** The printed figures, each name ending in {@code suffix} (which moment they are of). */
  Map<String, String> figures(String suffix) {
    var figures = new LinkedHashMap<String, String>();
    figures.put(
        "operator_rss_mib" + suffix,
        rssKib.isPresent() ? "%.1f".formatted(rssKib.getAsLong() / 1024.0) : "?");
    figures.put("heap_used_mib" + suffix, "%.1f".formatted(heapUsedBytes / MIB));
    figures.put("heap_committed_mib" + suffix, "%.1f".formatted(heapCommittedBytes / MIB));
    figures.put("nonheap_used_mib" + suffix, "%.1f".formatted(nonheapUsedBytes / MIB));
    figures.put("jvm_threads" + suffix, "%.0f".formatted(threads));
    figures.put("operator_cpu_s" + suffix, "%.1f".formatted(cpuSeconds));
    figures.put("heap_live_after_gc_mib" + suffix, "%.1f".formatted(liveAfterGcBytes / MIB));
    return figures;
  }
}
