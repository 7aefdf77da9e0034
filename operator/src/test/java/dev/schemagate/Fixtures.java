package dev.schemagate;

import dev.schemagate.api.CommandSource;
import dev.schemagate.api.ConfigMapRef;
import dev.schemagate.api.Database;
import dev.schemagate.api.FlywaySource;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationSpec;
import dev.schemagate.api.SecretKeyRef;
import dev.schemagate.api.Target;
import dev.schemagate.gate.TargetDeployment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The basketball-api SchemaMigration and its target, as the unit tests start from them. */
public final class Fixtures {
  public static final String V7 = "CREATE TABLE rosters (id serial primary key);";
  public static final String FIXED_V8 =
      "DO $$ BEGIN CREATE TYPE agegroup AS ENUM ('u10','u12'); EXCEPTION WHEN duplicate_object THEN"
          + " null; END $$;";

  private Fixtures() {}

  public static SchemaMigration flywayMigration() {
    var spec = new SchemaMigrationSpec();
    spec.setTarget(new Target("basketball-api"));
    var database = new Database();
    database.setUrlSecretRef(new SecretKeyRef("basketball-db", "url"));
    spec.setDatabase(database);
    var flyway = new FlywaySource();
    flyway.setConfigMapRef(new ConfigMapRef("basketball-migrations"));
    spec.setFlyway(flyway);
    var migration = new SchemaMigration();
    migration.setMetadata(
        new ObjectMetaBuilder()
            .withName("basketball-api")
            .withNamespace("basketball")
            .withUid("0c7d9d8e-1b2a-4c3d-9e8f-000000000085")
            .withGeneration(1L)
            .build());
    migration.setSpec(spec);
    return migration;
  }

  /** Alembic in the app's own image: the command has no image, so it follows the Deployment. */
  /**
   * The same SchemaMigration with spec.rehearsal.mode Off: for what happens after the rehearsal
   * (RehearsalDecisionTest has the rehearsal's own table).
   */
  public static SchemaMigration unrehearsed(SchemaMigration migration) {
    var rehearsal = new dev.schemagate.api.RehearsalSettings();
    rehearsal.setMode(dev.schemagate.api.RehearsalMode.Off);
    migration.getSpec().setRehearsal(rehearsal);
    return migration;
  }

  public static SchemaMigration commandMigration() {
    var migration = flywayMigration();
    var command = new CommandSource();
    command.setCommand(List.of("alembic"));
    command.setArgs(List.of("upgrade", "head"));
    migration.getSpec().setFlyway(null);
    migration.getSpec().setCommand(command);
    return migration;
  }

  /** The target as the gate reads it: a RollingUpdate with maxUnavailable 0, container "api". */
  public static TargetDeployment target(String image, int replicas, int ready) {
    return new TargetDeployment(
        "basketball-api",
        Optional.of(image),
        List.of("api"),
        replicas,
        ready,
        "RollingUpdate",
        0,
        600,
        Optional.empty());
  }

  public static ConfigMap migrations(Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("basketball-migrations")
        .withNamespace("basketball")
        .endMetadata()
        .withData(data)
        .build();
  }

  public static ConfigMap migrationsUpToV8() {
    return migrations(Map.of("V7__create_rosters.sql", V7, "V8__add_team_model.sql", FIXED_V8));
  }
}
