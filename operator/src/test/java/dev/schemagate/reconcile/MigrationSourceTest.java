package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.Inherit;
import dev.schemagate.api.JobSettings;
import dev.schemagate.api.MigrationPodTemplate;
import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MigrationSourceTest {
  static final String IMAGE = "registry.example.com/basketball-api:1.8.0";

  static String revision(SchemaMigration migration, Map<String, String> data) {
    return revision(migration, data, IMAGE);
  }

  static String revision(SchemaMigration migration, Map<String, String> data, String image) {
    var source = resolve(migration, data == null ? null : Fixtures.migrations(data), image);
    assertThat(((MigrationSource.Valid) source).image()).isEqualTo(image);
    return ((MigrationSource.Valid) source).revision();
  }

  static MigrationSource resolve(SchemaMigration migration, ConfigMap configMap, String image) {
    return MigrationSource.resolve(
        migration, configMap, List.of(TargetWorkload.of(Fixtures.target(image, 3, 3))));
  }

  @Test
  void sameSourceSameRevision() {
    var data = Map.of("V1__a.sql", "select 1;", "V2__b.sql", "select 2;");
    assertThat(revision(Fixtures.flywayMigration(), data))
        .isEqualTo(revision(Fixtures.flywayMigration(), Map.copyOf(data)))
        .matches("[0-9a-f]{10}");
  }

  /**
   * A migration is not run again for an edit of what its pod inherits (the app's environment, its
   * service account, its scheduling) or of spec.job: the revision hashes what is migrated, never
   * the pod template, and a Job in flight keeps its name.
   */
  @Test
  void whatTheMigrationPodInheritsOrOverridesIsNoPartOfTheRevision() {
    var deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("basketball-api")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("api")
            .withImage(IMAGE)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    var edited = new DeploymentBuilder(deployment).build();
    var pod = edited.getSpec().getTemplate().getSpec();
    pod.getContainers().get(0).setEnv(List.of(new EnvVar("SECRET_KEY", "s", null)));
    pod.setServiceAccountName("basketball-api");
    pod.setNodeSelector(Map.of("kubernetes.io/arch", "arm64"));
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isNull();
    var overridden = Fixtures.commandMigration();
    var job = new JobSettings();
    job.setInherit(Inherit.None);
    job.setPodTemplate(new MigrationPodTemplate());
    job.getPodTemplate().setSpec(Map.of("serviceAccountName", "migrator"));
    overridden.getSpec().setJob(job);

    var reference =
        MigrationSource.resolve(
            Fixtures.commandMigration(),
            null,
            List.of(TargetWorkload.of(TargetDeployment.of(deployment, null))));
    assertThat(
            MigrationSource.resolve(
                Fixtures.commandMigration(),
                null,
                List.of(TargetWorkload.of(TargetDeployment.of(edited, null)))))
        .isEqualTo(reference);
    assertThat(
            MigrationSource.resolve(
                overridden,
                null,
                List.of(TargetWorkload.of(TargetDeployment.of(deployment, null)))))
        .isEqualTo(reference);
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
  void keysThatAreNotSqlDoNotChangeTheRevision() {
    var base = Map.of("V1__a.sql", "select 1;");
    var reference = revision(Fixtures.flywayMigration(), base);
    assertThat(
            revision(
                Fixtures.flywayMigration(), Map.of("V1__a.sql", "select 1;", "README.md", "notes")))
        .isEqualTo(reference);
  }

  @Test
  void theTargetImageIsPartOfTheRevisionForEverySource() {
    var base = Map.of("V1__a.sql", "select 1;");
    assertThat(revision(Fixtures.flywayMigration(), base, "app:1.8"))
        .isNotEqualTo(revision(Fixtures.flywayMigration(), base, "app:1.9"));
    assertThat(revision(Fixtures.commandMigration(), null, "app:1.8"))
        .isNotEqualTo(revision(Fixtures.commandMigration(), null, "app:1.9"));
  }

  @Test
  void noDeploymentOrNoSuchContainerIsInvalid() {
    var migration = Fixtures.flywayMigration();
    var cm = Fixtures.migrationsUpToV8();
    assertThat(MigrationSource.resolve(migration, cm, List.of()))
        .isInstanceOfSatisfying(
            MigrationSource.Invalid.class,
            i -> assertThat(i.reason()).isEqualTo(Reasons.DEPLOYMENT_NOT_FOUND));
    var target = Fixtures.target(IMAGE, 1, 1);
    var noSuchContainer =
        new TargetDeployment(
            target.name(),
            Optional.empty(),
            List.of("api", "sidecar"),
            1,
            1,
            "RollingUpdate",
            0,
            600,
            Optional.empty());
    assertThat(MigrationSource.resolve(migration, cm, List.of(TargetWorkload.of(noSuchContainer))))
        .isInstanceOfSatisfying(
            MigrationSource.Invalid.class,
            i -> {
              assertThat(i.reason()).isEqualTo(Reasons.CONTAINER_NOT_FOUND);
              assertThat(i.message()).contains("[api, sidecar]");
            });
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
  void anImageOfTheCommandsOwnIsANewRevision() {
    var next = Fixtures.commandMigration();
    next.getSpec().getCommand().setImage("registry.example.com/migrator:2");
    assertThat(revision(next, null)).isNotEqualTo(revision(Fixtures.commandMigration(), null));
  }

  /**
   * A script in binaryData (non-UTF-8 SQL, say) is mounted and run like one in data: changing it is
   * a new revision, and a ConfigMap with only such scripts has migrations (the runner says what is
   * wrong with their bytes).
   */
  @Test
  void binaryDataScriptsArePartOfTheRevision() {
    var configMap = Fixtures.migrations(Map.of("V1__a.sql", "select 1;"));
    var reference = resolve(Fixtures.flywayMigration(), configMap, IMAGE);
    configMap.setBinaryData(Map.of("V2__latin1.sql", "c2VsZWN0ICfpJzs=")); // select '\xe9';
    var withBinary = resolve(Fixtures.flywayMigration(), configMap, IMAGE);
    configMap.setBinaryData(Map.of("V2__latin1.sql", "c2VsZWN0ICfoJzs="));
    var edited = resolve(Fixtures.flywayMigration(), configMap, IMAGE);
    configMap.setBinaryData(Map.of("V2__latin1.sql", "c2VsZWN0ICfpJzs=", "notes.bin", "AAE="));
    var withOtherFile = resolve(Fixtures.flywayMigration(), configMap, IMAGE);

    assertThat(withBinary).isInstanceOf(MigrationSource.Valid.class).isNotEqualTo(reference);
    assertThat(edited).isNotEqualTo(withBinary);
    assertThat(withOtherFile).isEqualTo(withBinary);

    var onlyBinary = Fixtures.migrations(null);
    onlyBinary.setBinaryData(Map.of("V1__latin1.sql", "c2VsZWN0ICfpJzs="));
    assertThat(resolve(Fixtures.flywayMigration(), onlyBinary, IMAGE))
        .isInstanceOf(MigrationSource.Valid.class);
  }

  /** A key of data and one of binaryData with the same name and bytes are different scripts. */
  @Test
  void aBinaryScriptCannotReadAsADataScript() {
    var data = Fixtures.migrations(Map.of("V1__a.sql", "c2VsZWN0IDE7"));
    var binary = Fixtures.migrations(null);
    binary.setBinaryData(Map.of("V1__a.sql", "c2VsZWN0IDE7"));
    assertThat(resolve(Fixtures.flywayMigration(), binary, IMAGE))
        .isNotEqualTo(resolve(Fixtures.flywayMigration(), data, IMAGE));
  }

  @Test
  void missingOrEmptyConfigMapIsInvalidWithAnActionableMessage() {
    var missing = resolve(Fixtures.flywayMigration(), null, IMAGE);
    assertThat(missing)
        .isEqualTo(
            new MigrationSource.Invalid(
                Reasons.CONFIG_MAP_NOT_FOUND,
                "ConfigMap \"basketball-migrations\" not found in namespace \"basketball\": create"
                    + " it or fix spec.flyway.configMapRef.name"));
    var empty = resolve(Fixtures.flywayMigration(), Fixtures.migrations(null), IMAGE);
    assertThat(empty).isInstanceOf(MigrationSource.Invalid.class);
    assertThat(((MigrationSource.Invalid) empty).reason()).isEqualTo(Reasons.NO_MIGRATIONS);
  }
}
