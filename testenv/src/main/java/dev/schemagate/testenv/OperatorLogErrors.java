package dev.schemagate.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The ERROR lines and stack traces in the logs of the operator processes a run started: an
 * exception the operator caught and logged is a defect even when the run's figures look right. Each
 * {@link OperatorProcess} adds its log's when it is closed; bench and chaos print the count as
 * {@code operator_log_errors}.
 */
public final class OperatorLogErrors {
  /** A line the operator's logging starts: its ISO time, then the level. */
  private static final Pattern LOG_LINE =
      Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\b");

  /** A line of a stack trace, printed under a log line or by the JVM itself. */
  private static final Pattern STACK_TRACE =
      Pattern.compile("^(\\s+at |Caused by: |Exception in thread )");

  private static final List<String> recorded = Collections.synchronizedList(new ArrayList<>());

  private OperatorLogErrors() {}

  /** The entries of this log: each an ERROR line or a line with a stack trace, with its trace. */
  public static List<String> in(List<String> lines) {
    var entries = new ArrayList<String>();
    StringBuilder current = null;
    var isError = false;
    for (var line : lines) {
      var logLine = LOG_LINE.matcher(line);
      if (logLine.find()) {
        if (current != null && isError) {
          entries.add(current.toString());
        }
        current = new StringBuilder(line);
        isError = "ERROR".equals(logLine.group(1));
      } else if (STACK_TRACE.matcher(line).find()) {
        if (current == null) {
          current = new StringBuilder(line);
        } else {
          current.append('\n').append(line);
        }
        isError = true;
      } else if (current != null) {
        current.append('\n').append(line);
      }
    }
    if (current != null && isError) {
      entries.add(current.toString());
    }
    return entries;
  }

  static void record(Path log) {
    try {
      if (Files.exists(log)) {
        recorded.addAll(in(Files.readAllLines(log)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What every operator process closed so far in this JVM logged. */
  public static List<String> recorded() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }
}
