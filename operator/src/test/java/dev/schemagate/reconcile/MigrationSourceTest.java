package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.SchemaMigration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationSourceTest {
  static String revision(SchemaMigration migration, Map<String, String> data) {
    var source =
        MigrationSource.resolve(migration, data == null ? null : Fixtures.migrations(data));
    return ((MigrationSource.Valid) source).revision();
  }

  @Test
  void sameSourceSameRevision() {
    var data = Map.of("V1__a.sql", "select 1;", "V2__b.sql", "select 2;");
    assertThat(revision(Fixtures.flywayMigration(), data))
        .isEqualTo(revision(Fixtures.flywayMigration(), Map.copyOf(data)))
        .matches("[0-9a-f]{10}");
  }

  @Test
  void everyPartOfTheMigrationChangesTheRevision() {
    var base = Map.of("V1__a.sql", "select 1;");
    var reference = revision(Fixtures.flywayMigration(), base);

    assertThat(revision(Fixtures.flywayMigration(), Map.of("V1__a.sql", "select 2;")))
        .isNotEqualTo(reference);
    assertThat(revision(Fixtures.flywayMigration(), Map.of("V1__b.sql", "select 1;")))
        .isNotEqualTo(reference);

    var otherKey = Fixtures.flywayMigration();
    otherKey.getSpec().getDatabase().getUrlSecretRef().setKey("other");
    assertThat(revision(otherKey, base)).isNotEqualTo(reference);

    var baseline = Fixtures.flywayMigration();
    baseline.getSpec().getFlyway().setBaselineVersion("7");
    assertThat(revision(baseline, base)).isNotEqualTo(reference);

    var retried = Fixtures.flywayMigration();
    retried.getMetadata().setAnnotations(Map.of(SchemaMigration.RETRY_ANNOTATION, "1"));
    assertThat(revision(retried, base)).isNotEqualTo(reference);
  }

  @Test
  void keysThatAreNotSqlAndTheTargetDoNotChangeTheRevision() {
    var base = Map.of("V1__a.sql", "select 1;");
    var reference = revision(Fixtures.flywayMigration(), base);
    assertThat(
            revision(
                Fixtures.flywayMigration(), Map.of("V1__a.sql", "select 1;", "README.md", "notes")))
        .isEqualTo(reference);
    var scaled = Fixtures.flywayMigration();
    scaled.getSpec().getTarget().setReplicas(10);
    assertThat(revision(scaled, base)).isEqualTo(reference);
  }

  @Test
  void fieldBoundariesCannotBeConfused() {
    var a = Fixtures.commandMigration();
    a.getSpec().getCommand().setCommand(List.of("alembic upgrade"));
    a.getSpec().getCommand().setArgs(List.of("head"));
    var b = Fixtures.commandMigration();
    b.getSpec().getCommand().setCommand(List.of("alembic"));
    b.getSpec().getCommand().setArgs(List.of("upgrade head"));
    var c = Fixtures.commandMigration();
    c.getSpec().getCommand().setCommand(List.of("alembic", "upgrade"));
    c.getSpec().getCommand().setArgs(List.of("head"));
    assertThat(List.of(revision(a, null), revision(b, null), revision(c, null)))
        .doesNotHaveDuplicates()
        .doesNotContain(revision(Fixtures.commandMigration(), null));
  }

  @Test
  void newImageIsANewRevision() {
    var next = Fixtures.commandMigration();
    next.getSpec().getCommand().setImage("registry.example.com/basketball-api:1.8.1");
    assertThat(revision(next, null)).isNotEqualTo(revision(Fixtures.commandMigration(), null));
  }

  @Test
  void missingOrEmptyConfigMapIsInvalidWithAnActionableMessage() {
    var missing = MigrationSource.resolve(Fixtures.flywayMigration(), null);
    assertThat(missing)
        .isEqualTo(
            new MigrationSource.Invalid(
                Reasons.CONFIG_MAP_NOT_FOUND,
                "ConfigMap \"basketball-migrations\" not found in namespace \"basketball\": create"
                    + " it or fix spec.flyway.configMapRef.name"));
    var empty = MigrationSource.resolve(Fixtures.flywayMigration(), Fixtures.migrations(null));
    assertThat(empty).isInstanceOf(MigrationSource.Invalid.class);
    assertThat(((MigrationSource.Invalid) empty).reason()).isEqualTo(Reasons.NO_MIGRATIONS);
  }
}
