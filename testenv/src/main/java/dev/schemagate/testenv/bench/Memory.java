package dev.schemagate.testenv.bench;

import dev.schemagate.testenv.OperatorProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The operator's footprint at one moment: its resident set from /proc/PID/status (and how much of
 * it is file-backed: the JVM's libraries, the CDS archive, the jar), heap, non-heap and threads
 * from its /metrics, its CPU seconds so far; and where the JVM runs with
 * -XX:NativeMemoryTracking=summary (e.g. a --variants entry), what it committed by category.
 */
record Memory(
    OptionalLong rssKib,
    OptionalLong rssFileKib,
    double heapUsedBytes,
    double heapCommittedBytes,
    double nonheapUsedBytes,
    double threads,
    double classes,
    double cpuSeconds,
    double liveAfterGcBytes) {
  private static final double MIB = 1024 * 1024;

  /** Prints the operator's figures now, their names ending in {@code suffix}. */
  static void print(String suffix, OperatorProcess operator)
      throws IOException, InterruptedException {
    of(operator.pid(), operator.metrics()).figures(suffix).forEach(Output::put);
    nativeMemory(operator.pid()).forEach((k, v) -> Output.put("nmt_" + k + "_mib" + suffix, v));
  }

  /**
   * `jcmd PID VM.native_memory summary` of the operator's own JDK, when it tracks native memory;
   * empty when it does not, or is gone (as {@link #of(long, String)} reads a gone process).
   */
  private static Map<String, String> nativeMemory(long pid)
      throws IOException, InterruptedException {
    var proc = Path.of("/proc", Long.toString(pid));
    String cmdline;
    try {
      cmdline = Files.readString(proc.resolve("cmdline"));
    } catch (IOException e) {
      return Map.of();
    }
    if (!cmdline.contains("-XX:NativeMemoryTracking=")) {
      return Map.of();
    }
    var jcmd = proc.resolve("exe").toRealPath().resolveSibling("jcmd");
    var process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
            .redirectErrorStream(true)
            .start();
    var summary = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return committedMib(summary);
  }

  private static final Pattern NMT_LINE =
      Pattern.compile("^(?:Total:|-\\s+(.+?) \\()\\s*reserved=\\d+KB, committed=(\\d+)KB");

  /**
   * The committed MiB of each category of an NMT summary ("java_heap", "class", "thread", ...), its
   * total first ("total").
   */
  static Map<String, String> committedMib(String summary) {
    var committed = new LinkedHashMap<String, String>();
    for (var line : summary.split("\n")) {
      var m = NMT_LINE.matcher(line.trim());
      if (m.find()) {
        var name = m.group(1) == null ? "total" : m.group(1).toLowerCase().replace(' ', '_');
        committed.put(name, "%.1f".formatted(Long.parseLong(m.group(2)) / 1024.0));
      }
    }
    return committed;
  }

  static Memory of(long pid, String metrics) {
    List<String> status;
    try {
      status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
    } catch (IOException e) {
      status = List.of();
    }
    return of(status, metrics, Cpu.secondsOf(pid));
  }

  static Memory of(List<String> status, String metrics, double cpuSeconds) {
    return new Memory(
        statusKib(status, "VmRSS"),
        statusKib(status, "RssFile"),
        Metrics.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\""),
        Metrics.sum(metrics, "jvm_memory_committed_bytes", "area=\"heap\""),
        Metrics.sum(metrics, "jvm_memory_used_bytes", "area=\"nonheap\""),
        Metrics.sum(metrics, "jvm_threads_live_threads"),
        // Each costs class metadata, symbols and often code: a lever on RSS of its own.
        Metrics.sum(metrics, "jvm_classes_loaded_classes"),
        cpuSeconds,
        // The old generation after the last major GC: the live set, garbage not counted.
        Metrics.sum(metrics, "jvm_gc_live_data_size_bytes"));
  }

  /**
   * A field of /proc/PID/status lines, in KiB (e.g. VmRSS); empty when the process is gone or has
   * no such field.
   */
  static OptionalLong statusKib(List<String> status, String field) {
    return status.stream()
        .filter(l -> l.startsWith(field + ":"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
        .findFirst();
  }

  /** The printed figures, each name ending in {@code suffix} (which moment they are of). */
  Map<String, String> figures(String suffix) {
    var figures = new LinkedHashMap<String, String>();
    figures.put(
        "operator_rss_mib" + suffix,
        rssKib.isPresent() ? "%.1f".formatted(rssKib.getAsLong() / 1024.0) : "?");
    figures.put(
        "operator_rss_file_mib" + suffix,
        rssFileKib.isPresent() ? "%.1f".formatted(rssFileKib.getAsLong() / 1024.0) : "?");
    figures.put("heap_used_mib" + suffix, "%.1f".formatted(heapUsedBytes / MIB));
    figures.put("heap_committed_mib" + suffix, "%.1f".formatted(heapCommittedBytes / MIB));
    figures.put("nonheap_used_mib" + suffix, "%.1f".formatted(nonheapUsedBytes / MIB));
    figures.put("jvm_threads" + suffix, "%.0f".formatted(threads));
    figures.put("jvm_classes_loaded" + suffix, "%.0f".formatted(classes));
    figures.put("operator_cpu_s" + suffix, "%.1f".formatted(cpuSeconds));
    figures.put("heap_live_after_gc_mib" + suffix, "%.1f".formatted(liveAfterGcBytes / MIB));
    return figures;
  }
}
