package dev.schemagate.testenv.bench;

import dev.schemagate.api.RehearsalMode;
import dev.schemagate.api.RehearsalSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
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

  static final String NAME_LABEL = AppDeployment.NAME_LABEL;

  App(String namespace, String name) {
    this(namespace, name, 1);
  }

  /** The n-th of the population's namespaces. */
  static String namespace(int n) {
    return "bench-" + n;
  }

  /**
   * Apps {@code from} to {@code to - 1} of the bench's population, app i in namespace i mod {@code
   * namespaces}; grouped by namespace.
   */
  static List<App> population(int from, int to, int namespaces) {
    var apps = new ArrayList<App>();
    for (int n = 0; n < namespaces; n++) {
      for (int i = from + Math.floorMod(n - from, namespaces); i < to; i += namespaces) {
        apps.add(new App(namespace(n), "app-%04d".formatted(i)));
      }
    }
    return apps;
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
   * maxUnavailable 0 and maxSurge 1 (AppDeployment's): an upgrade holds one surge pod and keeps
   * every old one. No pod ever runs (no node): the bench only watches them being created, held and
   * released.
   */
  Deployment deployment() {
    return AppDeployment.of(
        namespace,
        name,
        replicas,
        new ContainerBuilder().withName(CONTAINER).withImage(IMAGE).build());
  }

  /** A strategic-merge patch of the Deployment that sets the app container's image. */
  static String imagePatch(String image) {
    return """
    {"spec":{"template":{"spec":{"containers":[{"name":"%s","image":"%s"}]}}}}\
    """
        .formatted(CONTAINER, image);
  }

  /**
   * Without a rehearsal: the bench's pods are completed by its stand-in kubelet, and what it
   * measures is the gate (the rehearsal's time is measured by the e2e story and the rehearse
   * bench).
   */
  SchemaMigration schemaMigration() {
    var migration = BasketballExample.flywayMigration(namespace, name, name + "-sql", name + "-db");
    var rehearsal = new RehearsalSettings();
    rehearsal.setMode(RehearsalMode.Off);
    migration.getSpec().setRehearsal(rehearsal);
    return migration;
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
