package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuTest {
  /** Fields 14 and 15, utime 1234 and stime 566 ticks: 18.00 s. */
  private static final String STAT =
      "4242 (java) S 1 4242 4242 0 -1 4194560 120 0 0 0 1234 566 0 0 20 0 31 0 9000 1 2 3";

  @Test
  void utimePlusStimeInSeconds() {
    assertThat(Cpu.secondsOfStat(STAT)).isEqualTo(18.0);
  }

  /** A command may hold spaces and ')', which would shift the fields of a plain split. */
  @Test
  void fieldsAreCountedAfterTheCommandsLastParenthesis() {
    var stat = STAT.replace("(java)", "(kube ap) (x))");

    assertThat(Cpu.secondsOfStat(stat)).isEqualTo(18.0);
  }

  @Test
  void sinceNamesTheOperatorAndLeavesOtherJvmsOut() {
    var before = new Cpu(Map.of("bench", 1.0, "java:42", 2.0, "java:7", 1.0, "etcd", 3.0));
    var after = new LinkedHashMap<String, Double>();
    after.put("bench", 2.5);
    after.put("java:7", 9.0); // an earlier operator
    after.put("java:42", 5.5);
    after.put("etcd", 4.0);
    after.put("kube-apiserver", 10.0); // started after the first snapshot

    assertThat(new Cpu(after).since(before, 42))
        .isEqualTo("bench 1.5, operator 3.5, etcd 1.0, kube-apiserver 10.0");
  }

  @Test
  void thisJvmHasUsedSomeCpu() {
    assumeThat(Files.isDirectory(Path.of("/proc/self"))).as("Linux /proc").isTrue();

    assertThat(Cpu.snapshot().seconds()).containsKey("bench");
    assertThat(Cpu.secondsOf(ProcessHandle.current().pid())).isPositive();
    assertThat(Cpu.secondsOf(Long.MAX_VALUE)).as("no such process").isZero();
  }
}
