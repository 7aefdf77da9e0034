package dev.schemagate.testenv.node;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A terminated container's message, by the kubelet's rules and limits. */
public final class TerminationMessage {
  static final int MAX_FILE_BYTES = 4096;
  static final int MAX_LOG_LINES = 80;
  static final int MAX_LOG_BYTES = 2048;

  private TerminationMessage() {}

  /**
   * The termination log file; if that is empty, and the policy is FallbackToLogsOnError and the
   * container failed, the tail of this run's log (which starts at {@code logOffset}).
   */
  public static String of(
      Path terminationLog, Path log, long logOffset, String policy, int exitCode) {
    var message = tail(terminationLog, 0, MAX_FILE_BYTES);
    if (message.isEmpty() && exitCode != 0 && "FallbackToLogsOnError".equals(policy)) {
      var lines = tail(log, logOffset, MAX_LOG_BYTES).lines().toList();
      message =
          String.join("\n", lines.subList(Math.max(0, lines.size() - MAX_LOG_LINES), lines.size()));
    }
    return message;
  }

  /** The last {@code max} bytes of a file after {@code offset}; empty when there is no file. */
  private static String tail(Path file, long offset, int max) {
    if (!Files.exists(file)) {
      return "";
    }
    try (var in = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(offset, in.length() - max);
      var bytes = new byte[(int) Math.max(0, in.length() - start)];
      in.seek(start);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
