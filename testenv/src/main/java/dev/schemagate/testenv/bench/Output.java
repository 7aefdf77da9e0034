package dev.schemagate.testenv.bench;

import dev.schemagate.testenv.OperatorLogErrors;

/** The bench's two streams: figures as {@code name=value} lines on stdout, progress on stderr. */
public final class Output {
  private Output() {}

  public static void put(String name, String value) {
    System.out.println(name + "=" + value);
    System.out.flush();
  }

  /**
   * {@code operator_log_errors=N}: the ERROR lines and stack traces in the logs of every operator
   * process this run closed, the first few of them as progress. Zero where no fault was injected.
   */
  public static void operatorLogErrors() {
    var errors = OperatorLogErrors.recorded();
    put("operator_log_errors", Integer.toString(errors.size()));
    errors.stream().limit(3).forEach(e -> progress("operator log: " + e));
  }

  public static void progress(String message) {
    System.err.println("[bench] " + message);
  }
}
