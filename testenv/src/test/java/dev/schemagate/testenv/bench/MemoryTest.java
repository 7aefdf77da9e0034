package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryTest {
  @Test
  void rssIsVmRssOfProcStatus() {
    assertThat(Memory.statusKib(STATUS, "VmRSS")).hasValue(204_800);
    assertThat(Memory.statusKib(STATUS, "RssFile")).hasValue(30_720);
    assertThat(Memory.statusKib(List.of("Name:\tzombie"), "VmRSS")).isEmpty();
  }

  private static final List<String> STATUS =
      List.of(
          "Name:\tjava",
          "VmHWM:\t  300000 kB",
          "VmRSS:\t  204800 kB",
          "RssAnon:\t  174080 kB",
          "RssFile:\t   30720 kB",
          "Threads:\t31");

  @Test
  void figuresInMibWithTheirSuffix() {
    var metrics =
        MetricsTest.TEXT
            + "jvm_gc_live_data_size_bytes 1.572864E7\njvm_classes_loaded_classes 6544.0\n";

    assertThat(Memory.of(STATUS, metrics, 12.34).figures("_restart"))
        .containsExactly(
            Map.entry("operator_rss_mib_restart", "200.0"),
            Map.entry("operator_rss_file_mib_restart", "30.0"),
            Map.entry("heap_used_mib_restart", "21.0"),
            Map.entry("heap_committed_mib_restart", "0.0"),
            Map.entry("nonheap_used_mib_restart", "40.0"),
            Map.entry("jvm_threads_restart", "31"),
            Map.entry("jvm_classes_loaded_restart", "6544"),
            Map.entry("operator_cpu_s_restart", "12.3"),
            Map.entry("heap_live_after_gc_mib_restart", "15.0"));
  }

  @Test
  void anUnknownRssIsAQuestionMark() {
    assertThat(Memory.of(List.of(), "", 0).figures(""))
        .containsEntry("operator_rss_mib", "?")
        .containsEntry("operator_rss_file_mib", "?");
  }

  @Test
  void nativeMemoryTrackingCommittedByCategory() {
    var summary =
        """
        21758:

        Native Memory Tracking:

        Total: reserved=7842527KB, committed=484743KB
               malloc: 10135KB #61198

        -                 Java Heap (reserved=6172672KB, committed=397312KB)
                                    (mmap: reserved=6172672KB, committed=397312KB)

        -                     Class (reserved=1048785KB, committed=1361KB)
                                    (    reserved=65536KB, committed=7936KB)

        -                    Thread (reserved=19506KB, committed=890KB)
                                    (stack: reserved=19456KB, committed=840KB)
        """;

    assertThat(Memory.committedMib(summary))
        .containsExactly(
            Map.entry("total", "473.4"),
            Map.entry("java_heap", "388.0"),
            Map.entry("class", "1.3"),
            Map.entry("thread", "0.9"));
  }
}
