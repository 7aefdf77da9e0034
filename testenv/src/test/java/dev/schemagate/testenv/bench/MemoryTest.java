package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MemoryTest {
  @Test
  void rssIsVmRssOfProcStatus() {
    var status =
        List.of("Name:\tjava", "VmHWM:\t  300000 kB", "VmRSS:\t  204800 kB", "Threads:\t31");

    assertThat(Memory.rssKib(status)).hasValue(204_800);
    assertThat(Memory.rssKib(List.of("Name:\tzombie"))).isEmpty();
  }

  @Test
  void figuresInMibWithTheirSuffix() {
    var metrics = MetricsTest.TEXT + "jvm_gc_live_data_size_bytes 1.572864E7\n";

    assertThat(Memory.of(OptionalLong.of(204_800), metrics, 12.34).figures("_restart"))
        .containsExactly(
            Map.entry("operator_rss_mib_restart", "200.0"),
            Map.entry("heap_used_mib_restart", "21.0"),
            Map.entry("heap_committed_mib_restart", "0.0"),
            Map.entry("nonheap_used_mib_restart", "40.0"),
            Map.entry("jvm_threads_restart", "31"),
            Map.entry("operator_cpu_s_restart", "12.3"),
            Map.entry("heap_live_after_gc_mib_restart", "15.0"));
  }

  @Test
  void anUnknownRssIsAQuestionMark() {
    assertThat(Memory.of(OptionalLong.empty(), "", 0).figures(""))
        .containsEntry("operator_rss_mib", "?");
  }
}
