package dev.schemagate.testenv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived tool to its end (kubectl, helm, alembic, the GitOps health tools): what it
 * printed and how it exited. Long-lived processes are {@link LocalProcess}es.
 */
public final class Command {
  private Command() {}

  /** What a command printed and how it exited. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Its stdout, if it exited 0; otherwise fails with all it said. */
    public String ok() {
      if (exitCode != 0) {
        throw new IllegalStateException(this.toString());
      }
      return stdout;
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " exited "
          + exitCode
          + "\nstdout:\n"
          + stdout
          + "\nstderr:\n"
          + stderr;
    }
  }

  /**
   * Starts {@code builder}, feeds it {@code stdin} (null: nothing) and waits for its end.
   *
   * @throws IllegalStateException when it does not end within {@code timeout} (it is killed)
   */
  public static Result run(ProcessBuilder builder, String stdin, Duration timeout) {
    var command = List.copyOf(builder.command());
    try {
      var process = builder.start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      // Both pipes drained at once: a tool that fills one while we read the other would hang.
      var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      var out = read(process.getInputStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
      }
      return new Result(command, process.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@link #run(ProcessBuilder, String, Duration)} of a plain command line. */
  public static Result run(List<String> command, String stdin, Duration timeout) {
    return run(new ProcessBuilder(command), stdin, timeout);
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
