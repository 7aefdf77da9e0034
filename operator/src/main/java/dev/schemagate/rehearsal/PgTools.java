package dev.schemagate.rehearsal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pg_dump that copies production's schema and the psql that restores it: the given one, else
 * the newest of a Debian-style {@code /usr/lib/postgresql/<major>/bin}, else those on the PATH.
 */
record PgTools(Path pgDump, Path psql, PgDumpVersion version) {
  private static final Path INSTALLS = Path.of("/usr/lib/postgresql");

  static PgTools find(Path given) {
    Path pgDump = given != null ? given : newestInstalled().orElse(Path.of("pg_dump"));
    Path sibling = pgDump.resolveSibling("psql");
    Path psql =
        pgDump.getParent() != null && Files.isExecutable(sibling) ? sibling : Path.of("psql");
    String line;
    try {
      line = Processes.run(List.of(pgDump.toString(), "--version"), Map.of(), null).output();
    } catch (CopyException e) {
      throw new CopyException(
          "cannot run "
              + pgDump
              + " --version: "
              + e.getMessage()
              + " (install postgresql-client, or name one with --pg-dump)");
    }
    var version =
        PgDumpVersion.ofVersionLine(line)
            .orElseThrow(
                () ->
                    new CopyException(
                        pgDump + " --version says " + line.strip() + ": not a pg_dump"));
    return new PgTools(pgDump, psql, version);
  }

  private static Optional<Path> newestInstalled() {
    if (!Files.isDirectory(INSTALLS)) {
      return Optional.empty();
    }
    try (Stream<Path> installs = Files.list(INSTALLS)) {
      return installs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> Files.isExecutable(p.resolve("bin/pg_dump")))
          .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
          .map(p -> p.resolve("bin/pg_dump"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A child process's exit and what it printed. */
  static final class Processes {
    private Processes() {}

    record Result(int exitCode, String output) {}

    /**
     * Runs {@code argv} with {@code env} added to ours (less libpq's variables that would redirect
     * it), stdout to {@code stdout} if given, else with stderr into the result.
     */
    static Result run(List<String> argv, Map<String, String> env, Path stdout) {
      var builder = new ProcessBuilder(new ArrayList<>(argv));
      Libpq.unsetVariables().forEach(builder.environment()::remove);
      builder.environment().putAll(env);
      if (stdout != null) {
        builder.redirectOutput(stdout.toFile());
      } else {
        builder.redirectErrorStream(true);
      }
      try {
        Process p = builder.start();
        p.getOutputStream().close();
        String output =
            new String(
                stdout != null
                    ? p.getErrorStream().readAllBytes()
                    : p.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
      } catch (IOException e) {
        throw new CopyException(e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CopyException("interrupted");
      }
    }
  }
}
