package dev.schemagate.testenv.chaos;

import dev.schemagate.api.JobSettings;
import dev.schemagate.api.RehearsalMode;
import dev.schemagate.api.RehearsalSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One app of the chaos runs: a database of its own, a Secret with its URL, a ConfigMap of Flyway
 * scripts that grows by one script per revision, a Deployment of {@code chaos-app:<revision>}, and
 * the SchemaMigration that gates it. Every script writes its version into a counter table in the
 * same transaction, so a script run twice shows as two rows even if Flyway's history were wrong;
 * each sleeps a little, so that kills land mid-migration.
 */
record ChaosApp(String namespace, String name, String databaseUrl) {
  static final String IMAGE_REPOSITORY = "chaos-app";
  static final String CONTAINER = "app";
  static final String COUNTER_TABLE = "chaos_runs";

  String migration() {
    return namespace + "/" + name;
  }

  static String image(int revision) {
    return IMAGE_REPOSITORY + ":" + revision;
  }

  Secret secret() {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name + "-db")
        .withNamespace(namespace)
        .endMetadata()
        .withStringData(Map.of("url", databaseUrl))
        .build();
  }

  /**
   * The scripts V1..V{@code revision}; those in {@code failing} end in a division by zero (the
   * whole script rolls back: Flyway runs each in a transaction on PostgreSQL).
   */
  ConfigMap migrations(int revision, Set<Integer> failing) {
    var scripts = new TreeMap<String, String>();
    scripts.put(
        "V1__counter.sql",
        "CREATE TABLE "
            + COUNTER_TABLE
            + " (mark text NOT NULL);\n"
            + mark(1)
            + "SELECT pg_sleep(1);\n");
    for (int v = 2; v <= revision; v++) {
      scripts.put(
          "V" + v + "__step.sql",
          mark(v) + "SELECT pg_sleep(1);\n" + (failing.contains(v) ? "SELECT 1 / 0;\n" : ""));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name + "-sql")
        .withNamespace(namespace)
        .endMetadata()
        .withData(scripts)
        .build();
  }

  private static String mark(int version) {
    return "INSERT INTO " + COUNTER_TABLE + " VALUES ('V" + version + "');\n";
  }

  Deployment deployment() {
    return AppDeployment.of(
        namespace, name, 1, new ContainerBuilder().withName(CONTAINER).withImage(image(1)).build());
  }

  /** A strategic-merge patch of the Deployment that sets the app container's image. */
  static String imagePatch(int revision) {
    return """
    {"spec":{"template":{"spec":{"containers":[{"name":"%s","image":"%s"}]}}}}\
    """
        .formatted(CONTAINER, image(revision));
  }

  /**
   * No retries: a failing script fails its Job at once, and the stream ships a fix. No rehearsal:
   * the chaos is the gate's (faults during a rehearsal are not in its scenarios yet).
   */
  SchemaMigration schemaMigration() {
    var migration = BasketballExample.flywayMigration(namespace, name, name + "-sql", name + "-db");
    var job = new JobSettings();
    job.setBackoffLimit(0);
    migration.getSpec().setJob(job);
    var rehearsal = new RehearsalSettings();
    rehearsal.setMode(RehearsalMode.Off);
    migration.getSpec().setRehearsal(rehearsal);
    return migration;
  }
}
