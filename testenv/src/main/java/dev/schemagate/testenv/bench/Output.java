package dev.schemagate.testenv.bench;

/** The bench's two streams: figures as {@code name=value} lines on stdout, progress on stderr. */
public final class Output {
  private Output() {}

  public static void put(String name, String value) {
    System.out.println(name + "=" + value);
    System.out.flush();
  }

  public static void progress(String message) {
    System.err.println("[bench] " + message);
  }
}
