package dev.schemagate.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resource.ResourceName;
import org.flywaydb.core.internal.resource.ResourceNameParser;

/**
 * The SQL files Flyway gets: the top-level {@code *.sql} entries of a directory, symlinks followed,
 * and nothing else.
 *
 * <p>A mounted ConfigMap holds each key as a symlink {@code key -> ..data/key}, where {@code
 * ..data} links to a hidden timestamped directory holding the real files. Flyway's own filesystem
 * scanner recurses into subdirectories and skips hidden ones only by name; handing Flyway this
 * fixed list instead makes "each file once, top level only" independent of that heuristic, and
 * needs no writable temporary copy.
 *
 * <p>The files are read here, before any connection: an unreadable or non-UTF-8 file is invalid
 * input, reported like a bad file name, rather than an exception from inside Flyway after earlier
 * migrations have been applied.
 */
final class MigrationDirectory implements ResourceProvider {
  private final List<SqlFile> files;

  private MigrationDirectory(List<SqlFile> files) {
    this.files = files;
  }

  static MigrationDirectory read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(
          "migrations directory " + dir + " does not exist or is not a directory");
    }
    List<Path> paths;
    try (Stream<Path> entries = Files.list(dir)) {
      paths =
          entries
              .filter(p -> p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new InvalidInputException("cannot read migrations directory " + dir + ": " + reason(e));
    }
    List<SqlFile> files = paths.stream().map(MigrationDirectory::load).toList();
    if (files.isEmpty()) {
      throw new InvalidInputException("no .sql files in migrations directory " + dir);
    }
    return new MigrationDirectory(files);
  }

  private static SqlFile load(Path path) {
    try {
      return new SqlFile(path, Files.readString(path, UTF_8));
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("cannot read " + path + ": not UTF-8 text");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + reason(e));
    }
  }

  /** Why, without the path the message already names (a FileSystemException's message is it). */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /**
   * Fails on names Flyway would reject, with Flyway's own parser, before any connection: a misnamed
   * file is invalid input, not a failed migration.
   */
  void checkNames(Configuration config) {
    var parser = new ResourceNameParser(config);
    List<String> problems =
        files.stream()
            .map(f -> parser.parse(f.getFilename()))
            .filter(name -> !name.isValid())
            .map(ResourceName::getValidityMessage)
            .toList();
    if (!problems.isEmpty()) {
      throw new InvalidInputException(String.join("; ", problems));
    }
  }

  @Override
  public LoadableResource getResource(String name) {
    return files.stream().filter(f -> f.getFilename().equals(name)).findFirst().orElse(null);
  }

  @Override
  public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
    return files.stream()
        .filter(f -> f.getFilename().startsWith(prefix))
        .filter(f -> Arrays.stream(suffixes).anyMatch(f.getFilename()::endsWith))
        .map(LoadableResource.class::cast)
        .toList();
  }

  private static final class SqlFile extends LoadableResource {
    private final Path path;
    private final String sql;

    SqlFile(Path path, String sql) {
      this.path = path;
      this.sql = sql;
    }

    @Override
    public Reader read() {
      return new StringReader(sql);
    }

    @Override
    public String getAbsolutePath() {
      return path.toAbsolutePath().toString();
    }

    @Override
    public String getAbsolutePathOnDisk() {
      return getAbsolutePath();
    }

    @Override
    public String getFilename() {
      return path.getFileName().toString();
    }

    /** The file name: what Flyway records as the script in its history table. */
    @Override
    public String getRelativePath() {
      return getFilename();
    }
  }
}
