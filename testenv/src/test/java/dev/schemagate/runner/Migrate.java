package dev.schemagate.runner;

import dev.schemagate.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code schemagate migrate} in-process through the real entry point and keeps what it left
 * behind.
 */
public record Migrate(int exitCode, String out, String err, String terminationLog) {
  public static Migrate run(String... args) {
    try {
      Path terminationLog = Files.createTempFile("termination-log", "");
      try {
        List<String> argv =
            new ArrayList<>(List.of("migrate", "--termination-log", terminationLog.toString()));
        argv.addAll(List.of(args));
        var out = new StringWriter();
        var err = new StringWriter();
        int exitCode =
            Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(argv.toArray(String[]::new));
        return new Migrate(
            exitCode, out.toString(), err.toString(), Files.readString(terminationLog));
      } finally {
        Files.delete(terminationLog);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Migrate run(String url, Path dir, String... more) {
    List<String> argv = new ArrayList<>(List.of("--url", url, "--dir", dir.toString()));
    argv.addAll(List.of(more));
    return run(argv.toArray(String[]::new));
  }
}
