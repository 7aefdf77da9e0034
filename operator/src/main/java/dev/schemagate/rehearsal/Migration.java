package dev.schemagate.rehearsal;

import dev.schemagate.job.FailureCause;
import dev.schemagate.runlog.Secrets;
import dev.schemagate.runner.InvalidInputException;
import dev.schemagate.runner.MigrateCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * What the rehearsal runs against a database: the same migration production would get, pointed at
 * the copy. Its failure is read as the operator reads a Job's ({@link FailureCause}).
 */
public sealed interface Migration {
  /**
   * @param url the database, written as the user wrote production's URL
   * @param database its name
   * @param log where the migration's own output goes as it runs
   */
  Outcome run(String url, String database, PrintStream log);

  /** What runs, for the report. */
  String describe();

  /** The migration's exit, and why it failed when it did. */
  record Outcome(int exitCode, Optional<FailureCause> cause) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  /**
   * A directory of Flyway SQL, applied by the runner the Flyway Jobs run: {@code schemagate
   * migrate}.
   */
  record FlywayDirectory(Path dir) implements Migration {
    @Override
    public Outcome run(String url, String database, PrintStream log) {
      Path terminationLog;
      try {
        terminationLog = Files.createTempFile("schemagate-rehearse", ".log");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // Flyway's own warnings are written to stdout; the rehearsal's stdout is its report.
      PrintStream stdout = System.out;
      var out = new StringWriter();
      int exitCode;
      try {
        System.setOut(log);
        exitCode =
            new CommandLine(new MigrateCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true))
                .execute(
                    "--url", url,
                    "--dir", dir.toString(),
                    "--termination-log", terminationLog.toString());
        log.print(out);
        String line = Files.readString(terminationLog).strip();
        if (exitCode == 2) {
          throw new InvalidInputException(line);
        }
        return new Outcome(
            exitCode, exitCode == 0 ? Optional.empty() : Optional.of(FailureCause.of(line)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        System.setOut(stdout);
        try {
          Files.deleteIfExists(terminationLog);
        } catch (IOException e) {
          // a temporary file
        }
      }
    }

    @Override
    public String describe() {
      return "schemagate migrate --dir " + dir;
    }
  }

  /**
   * A command of the app's (alembic upgrade head), with the database's URL in {@code urlVariable}
   * and {@code PGDATABASE}: the command must take its database from them.
   */
  record Command(List<String> argv, String urlVariable) implements Migration {
    /** FailureCause reads the end of the output, as a Job's termination message holds it. */
    private static final int TAIL_LINES = 80;

    @Override
    public Outcome run(String url, String database, PrintStream log) {
      var builder = new ProcessBuilder(argv).redirectErrorStream(true);
      builder.environment().put(urlVariable, url);
      builder.environment().put("PGDATABASE", database);
      var tail = new ArrayDeque<String>();
      try {
        Process p = builder.start();
        // A rehearsal stopped by a signal stops its migration too, not left running on its own.
        Thread stop =
            new Thread(
                () -> {
                  p.descendants().forEach(ProcessHandle::destroy);
                  p.destroy();
                });
        Runtime.getRuntime().addShutdownHook(stop);
        p.getOutputStream().close();
        try (var lines =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = lines.readLine()) != null; ) {
            log.println(Secrets.mask(line));
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
              tail.removeFirst();
            }
          }
        }
        int exitCode = p.waitFor();
        Runtime.getRuntime().removeShutdownHook(stop);
        return new Outcome(
            exitCode,
            exitCode == 0
                ? Optional.empty()
                : Optional.of(FailureCause.of(String.join("\n", tail))));
      } catch (IOException e) {
        throw new InvalidInputException("cannot run " + argv.get(0) + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the migration ran", e);
      }
    }

    @Override
    public String describe() {
      return String.join(" ", argv);
    }
  }
}
