package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --dir as Kubernetes mounts it, and directories the runner must refuse. */
class MigrationDirectoryIT {
  @TempDir Path tmp;

  /**
   * The layout of a mounted ConfigMap: the files live in a hidden timestamped directory, {@code
   * ..data} links to it, and each key is a top-level symlink into {@code ..data}.
   */
  @Test
  void configMapMountAppliesEachFileOnce() throws Exception {
    Path mount = Files.createDirectory(tmp.resolve("migrations"));
    Path files = Migrations.dir(mount, "..2026_03_08_21_14_05.2931805162", Migrations.example());
    Files.writeString(files.resolve("README.md"), "not a migration");
    Files.createSymbolicLink(mount.resolve("..data"), files.getFileName());
    try (var keys = Files.list(files)) {
      for (Path key : keys.toList()) {
        Files.createSymbolicLink(
            mount.resolve(key.getFileName()), Path.of("..data").resolve(key.getFileName()));
      }
    }
    String url = LocalPostgres.shared().createDatabase("configmap");

    Migrate run = Migrate.run(url, mount);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("Applied 8 migrations (V1 create tenants, ")
        .endsWith("; schema at version 8\n");
    assertThat(
            Sql.rows(
                url,
                "SELECT version || '|' || script FROM flyway_schema_history ORDER BY"
                    + " installed_rank"))
        .containsExactly(
            "1|V1__create_tenants.sql",
            "2|V2__create_players.sql",
            "3|V3__create_coaches.sql",
            "4|V4__add_player_division.sql",
            "5|V5__create_tryouts.sql",
            "6|V6__create_tryout_registrations.sql",
            "7|V7__add_player_guardian_contact.sql",
            "8|V8__add_team_model.sql");
  }

  @Test
  void emptyDirectoryIsInvalidInput() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));

    Migrate run = Migrate.run(LocalPostgres.shared().createDatabase("empty"), empty);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog())
        .isEqualTo("no .sql files in migrations directory " + empty + "\n");
    assertThat(run.err()).isEqualTo(run.terminationLog());
  }

  @Test
  void misnamedFileIsInvalidInput() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("misnamed"));
    Files.writeString(dir.resolve("V1-create-tenants.sql"), "CREATE TABLE tenants (id int);");
    String url = LocalPostgres.shared().createDatabase("misnamed");

    Migrate run = Migrate.run(url, dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog())
        .startsWith("Invalid versioned migration name format: V1-create-tenants.sql");
    assertThat(Sql.value(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        .isEqualTo("0");
  }

  @Test
  void twoMigrationsWithOneVersionAreInvalidInput() throws Exception {
    Path dir = Migrations.dir(tmp, "duplicate", Migrations.upToV7());
    Files.writeString(
        dir.resolve("V7__add_player_nickname.sql"),
        "ALTER TABLE players ADD COLUMN nickname text;");
    String url = LocalPostgres.shared().createDatabase("duplicate");

    Migrate run = Migrate.run(url, dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.terminationLog()).contains("more than one migration with version 7");
    assertThat(Sql.value(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        .isEqualTo("0");
  }
}
