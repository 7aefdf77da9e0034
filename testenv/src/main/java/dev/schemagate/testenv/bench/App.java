package dev.schemagate.testenv.bench;

import dev.schemagate.api.ConfigMapRef;
import dev.schemagate.api.Database;
import dev.schemagate.api.FlywaySource;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationSpec;
import dev.schemagate.api.SecretKeyRef;
import dev.schemagate.api.Target;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;

/**
 * One app of the bench: a ConfigMap with one migration, a Deployment, and the SchemaMigration that
 * gates it. Everything the bench creates in the cluster for an app is built here.
 */
record App(String namespace, String name, int replicas) {
  /** The image every app is created with. */
  static final String IMAGE = "bench-app:1";

  /** The app container, the target's default (the first and only one). */
  static final String CONTAINER = "app";

  static final String NAME_LABEL = "app.kubernetes.io/name";

  App(String namespace, String name) {
    this(namespace, name, 1);
  }

  /** In creation order: what the SchemaMigration names exists before it. */
  List<HasMetadata> manifests() {
    return List.of(migrations(), deployment(), schemaMigration());
  }

  ConfigMap migrations() {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name + "-sql")
        .withNamespace(namespace)
        .endMetadata()
        .withData(
            Map.of(
                "V1__init.sql",
                "create table " + name.replace('-', '_') + " (id int primary key);"))
        .build();
  }

  /**
   * A rolling update that keeps every old pod until a new one is Ready (maxUnavailable 0, maxSurge
   * 1), as an app that must not lose capacity during a hold. No pod ever runs (no kubelet): the
   * bench only watches them being created, held and released.
   */
  Deployment deployment() {
    var labels = Map.of(NAME_LABEL, name);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(IMAGE)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A strategic-merge patch of the Deployment that sets the app container's image. */
  static String imagePatch(String image) {
    return """
    {"spec":{"template":{"spec":{"containers":[{"name":"%s","image":"%s"}]}}}}\
    """
        .formatted(CONTAINER, image);
  }

  SchemaMigration schemaMigration() {
    var target = new Target();
    target.setDeployment(name);
    var database = new Database();
    database.setUrlSecretRef(new SecretKeyRef(name + "-db", "url"));
    var flyway = new FlywaySource();
    flyway.setConfigMapRef(new ConfigMapRef(name + "-sql"));
    var spec = new SchemaMigrationSpec();
    spec.setTarget(target);
    spec.setDatabase(database);
    spec.setFlyway(flyway);
    var migration = new SchemaMigration();
    migration.getMetadata().setName(name);
    migration.getMetadata().setNamespace(namespace);
    migration.setSpec(spec);
    return migration;
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
