package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runner refuses before it connects; the PostgreSQL-backed cases are in testenv. */
class MigrationDirectoryTest {
  @TempDir Path tmp;

  @Test
  void missingDirectoryIsInvalidInput() {
    Path missing = tmp.resolve("missing");

    assertThatThrownBy(() -> MigrationDirectory.read(missing))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("migrations directory " + missing + " does not exist or is not a directory");
  }

  @Test
  void aFileIsNoDirectory() throws IOException {
    Path file = Files.writeString(tmp.resolve("V1__init.sql"), "SELECT 1;");

    assertThatThrownBy(() -> MigrationDirectory.read(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("migrations directory " + file + " does not exist or is not a directory");
  }

  @Test
  void onlyTopLevelSqlFilesCount() throws IOException {
    Files.writeString(tmp.resolve("README.md"), "not a migration");
    Files.createDirectories(tmp.resolve("nested.sql"));
    Files.writeString(tmp.resolve("V1__init.sql"), "CREATE TABLE t (id int);");

    var resources = MigrationDirectory.read(tmp).getResources("V", new String[] {".sql"});

    assertThat(resources).extracting(r -> r.getFilename()).containsExactly("V1__init.sql");
  }

  @Test
  void noSqlFilesIsInvalidInput() throws IOException {
    Files.writeString(tmp.resolve("README.md"), "not a migration");

    assertThatThrownBy(() -> MigrationDirectory.read(tmp))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("no .sql files in migrations directory " + tmp);
  }

  @Test
  void aFileThatIsNotUtf8IsInvalidInput() throws IOException {
    Path file = Files.write(tmp.resolve("V1__init.sql"), new byte[] {'-', '-', ' ', (byte) 0xE9});

    assertThatThrownBy(() -> MigrationDirectory.read(tmp))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("cannot read " + file + ": not UTF-8 text");
  }

  /**
   * A .sql file whose read fails, even for root: /proc/self/mem is a regular file whose first bytes
   * are unmapped memory (EIO).
   */
  @Test
  void aFileThatCannotBeReadIsInvalidInput() throws IOException {
    Path mem = Path.of("/proc/self/mem");
    assumeTrue(Files.isRegularFile(mem), "needs Linux /proc");
    Path file = Files.createSymbolicLink(tmp.resolve("V1__init.sql"), mem);
    try {
      assertThatThrownBy(() -> MigrationDirectory.read(tmp))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("cannot read " + file + ": Input/output error");
    } finally {
      Files.delete(file); // before @TempDir's clean-up, which warns about links out of it
    }
  }

  @Test
  void aFileWithoutReadPermissionIsInvalidInput() throws IOException {
    Path file = Files.writeString(tmp.resolve("V1__init.sql"), "SELECT 1;");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
    assumeTrue(!Files.isReadable(file), "root reads it anyway");

    assertThatThrownBy(() -> MigrationDirectory.read(tmp))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("cannot read " + file + ": permission denied");
  }
}
