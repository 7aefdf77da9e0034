package dev.schemagate.operator;

import dev.schemagate.SchemaGateOperator;
import dev.schemagate.api.ConfigMapRef;
import dev.schemagate.api.Database;
import dev.schemagate.api.FlywaySource;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationSpec;
import dev.schemagate.api.SecretKeyRef;
import dev.schemagate.api.Target;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.testenv.Cluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The basketball-api story in one namespace of the shared control plane, with the operator in-process. */
final class Scenario implements AutoCloseable {
  static final String APP = "basketball-api";
  static final String MIGRATIONS = "basketball-migrations";
  static final String RUNNER_IMAGE = "schemagate:test";

  final KubernetesClient client = Cluster.client();
  final String namespace;
  private Operator operator;

  Scenario(String namespace) {
    this.namespace = namespace;
  }

  Scenario startOperator() {
    operator =
        SchemaGateOperator.start(
            Cluster.plane().client(),
            new SimpleMeterRegistry(),
            new SchemaGateOperator.Settings(Set.of(namespace), RUNNER_IMAGE, null));
    return this;
  }

  void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  @Override
  public void close() {
    stopOperator();
  }

  static Deployment appDeployment(String namespace) {
    var labels = Map.of("app.kubernetes.io/name", APP);
    // No replicas: SchemaGate owns that field.
    return new DeploymentBuilder()
        .withNewMetadata().withName(APP).withNamespace(namespace).endMetadata()
        .withNewSpec()
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate()
        .withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("basketball-api:1.8.0").endContainer().endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  Deployment createDeployment() {
    return client.resource(appDeployment(namespace)).create();
  }

  Integer replicas() {
    var d = client.apps().deployments().inNamespace(namespace).withName(APP).get();
    return d == null ? null : d.getSpec().getReplicas();
  }

  void putMigrations(Map<String, String> data) {
    client.resource(new ConfigMapBuilder()
            .withNewMetadata().withName(MIGRATIONS).withNamespace(namespace).endMetadata()
            .withData(data)
            .build())
        .serverSideApply();
  }

  static SchemaMigration migration(String namespace, int replicas) {
    var spec = new SchemaMigrationSpec();
    var target = new Target();
    target.setDeployment(APP);
    target.setReplicas(replicas);
    spec.setTarget(target);
    var database = new Database();
    database.setUrlSecretRef(new SecretKeyRef("basketball-db", "url"));
    spec.setDatabase(database);
    var flyway = new FlywaySource();
    flyway.setConfigMapRef(new ConfigMapRef(MIGRATIONS));
    spec.setFlyway(flyway);
    var migration = new SchemaMigration();
    migration.getMetadata().setName(APP);
    migration.getMetadata().setNamespace(namespace);
    migration.setSpec(spec);
    return migration;
  }

  SchemaMigration createMigration(int replicas) {
    return client.resource(migration(namespace, replicas)).create();
  }

  SchemaMigration migration() {
    return client.resources(SchemaMigration.class).inNamespace(namespace).withName(APP).get();
  }

  List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(namespace).withLabel(MigrationJob.INSTANCE_LABEL, APP).list().getItems();
  }

  List<Pod> pods(String job) {
    return client.pods().inNamespace(namespace).withLabel("batch.kubernetes.io/job-name", job).list().getItems();
  }

  /** Plays the kubelet for a migration pod: it ran and exited with this code and message. */
  void finishPod(Pod pod, int exitCode, String message) {
    var now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).editStatus(p -> {
      p.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
      p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder()
          .withName("migrate").withImage(RUNNER_IMAGE).withImageID("").withReady(false).withRestartCount(0)
          .withNewState().withNewTerminated()
          .withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error").withMessage(message)
          .withStartedAt(now).withFinishedAt(now)
          .endTerminated().endState().build()));
      return p;
    });
  }
}
