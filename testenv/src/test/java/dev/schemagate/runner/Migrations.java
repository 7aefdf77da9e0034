package dev.schemagate.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The basketball-api migrations of examples/, and directories made of them. */
public final class Migrations {
  /** V1..V8, the fixed 008 last. Relative: surefire runs in the testenv module's directory. */
  public static final Path EXAMPLE = Path.of("../examples/basketball-api/migrations");

  /** Flyway's history, every column that says what ran and when, in order. */
  public static final String HISTORY =
      "SELECT installed_rank, version, type, script, checksum, installed_on, success"
          + " FROM flyway_schema_history ORDER BY installed_rank";

  private Migrations() {}

  /** V1..V7: "the DB is at revision 007". */
  public static List<Path> upToV7() {
    return example().stream().filter(p -> !p.getFileName().toString().startsWith("V8__")).toList();
  }

  /** 008 as it crashed basketball-api: it creates the division enum a second time. */
  public static Path brokenV8() {
    return Path.of("../examples/basketball-api/broken-008/V8__add_team_model.sql");
  }

  /** A fresh directory under {@code parent} holding copies of {@code files}. */
  public static Path dir(Path parent, String name, List<Path> files) {
    try {
      Path dir = Files.createDirectories(parent.resolve(name));
      for (Path f : files) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** V1..V8 with the fixed 008. */
  public static List<Path> example() {
    try (Stream<Path> files = Files.list(EXAMPLE)) {
      return files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
