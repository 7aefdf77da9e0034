package dev.schemagate.testenv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds (user + system) of this JVM and of its descendants, from /proc/PID/stat: where the
 * machine's time went during a run. Processes are named by command; JVMs by pid as well, so that
 * the operator's can be told from the others.
 */
record Cpu(Map<String, Double> seconds) {
  /** USER_HZ, the unit of utime and stime in /proc: 100 on every Linux the bench runs on. */
  static final double TICKS_PER_SECOND = 100;

  static Cpu snapshot() {
    var all = new LinkedHashMap<String, Double>();
    var self = ProcessHandle.current();
    all.put("bench", secondsOf(self.pid()));
    self.descendants()
        .forEach(
            p -> {
              var command =
                  p.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?");
              // Watchdogs and wrappers: their time is nobody's measurement.
              if (!command.equals("bash") && !command.equals("sleep")) {
                all.merge(
                    command.equals("java") ? "java:" + p.pid() : command,
                    secondsOf(p.pid()),
                    Double::sum);
              }
            });
    return new Cpu(all);
  }

  /** The CPU seconds of a process so far; 0 when it is gone. */
  static double secondsOf(long pid) {
    try {
      return secondsOfStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * utime + stime of a /proc/PID/stat line. The command, field 2, is in parentheses and may hold
   * spaces and parentheses itself, so fields are counted from after the last ')'.
   */
  static double secondsOfStat(String stat) {
    var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /**
   * "name seconds" for each process since {@code before}, in this snapshot's order: the JVM with
   * {@code operatorPid} as "operator", other JVMs left out (they are earlier operators).
   */
  String since(Cpu before, long operatorPid) {
    var parts = new ArrayList<String>();
    seconds.forEach(
        (k, v) -> {
          var name = k.equals("java:" + operatorPid) ? "operator" : k;
          if (!k.startsWith("java:") || name.equals("operator")) {
            parts.add("%s %.1f".formatted(name, v - before.seconds().getOrDefault(k, 0.0)));
          }
        });
    return String.join(", ", parts);
  }
}
