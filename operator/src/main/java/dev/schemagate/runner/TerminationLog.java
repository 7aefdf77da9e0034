package dev.schemagate.runner;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a command leaves its last words for the operator: the file Kubernetes reads a container's
 * termination message from, unless the command was given another.
 */
public final class TerminationLog {
  private static final Path KUBERNETES_TERMINATION_LOG = Path.of("/dev/termination-log");

  private TerminationLog() {}

  /**
   * Writes {@code text} to {@code file}, or to /dev/termination-log when no file is given and that
   * one is writable (in a pod); nothing otherwise. A failed write is said on {@code err}: the
   * command's own result stands.
   */
  public static void write(Path file, String text, PrintWriter err) {
    Path log = file;
    if (log == null && Files.isWritable(KUBERNETES_TERMINATION_LOG)) {
      log = KUBERNETES_TERMINATION_LOG;
    }
    if (log == null) {
      return;
    }
    try {
      Files.writeString(log, text);
    } catch (IOException e) {
      err.println("cannot write the termination log " + log + ": " + e.getMessage());
    }
  }
}
