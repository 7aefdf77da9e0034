package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.CommandRun;
import dev.schemagate.testenv.LocalPostgres;
import java.io.IOException;
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
        CommandRun run =
            CommandRun.of(List.of("migrate", "--termination-log", terminationLog.toString()), args);
        return new Migrate(run.exitCode(), run.out(), run.err(), Files.readString(terminationLog));
      } finally {
        Files.delete(terminationLog);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A database of its own, named after {@code name}, migrated by the runner to 007 from a copy of
   * V1..V7 under {@code tmp}.
   */
  public static String databaseAtV7(Path tmp, String name) {
    String url = LocalPostgres.shared().createDatabase(name);
    Migrate setup = run(url, Migrations.dir(tmp, "v7", Migrations.upToV7()));
    assertThat(setup.exitCode()).as(setup.err()).isZero();
    assertThat(setup.out())
        .startsWith("Applied 7 migrations (V1 create tenants, ")
        .endsWith("; schema at version 7\n");
    return url;
  }

  public static Migrate run(String url, Path dir, String... more) {
    List<String> argv = new ArrayList<>(List.of("--url", url, "--dir", dir.toString()));
    argv.addAll(List.of(more));
    return run(argv.toArray(String[]::new));
  }
}
