package dev.schemagate.operator;

import static org.awaitility.Awaitility.await;

import dev.schemagate.SchemaGateOperator;
import dev.schemagate.api.RehearsalMode;
import dev.schemagate.api.RehearsalSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.PodGate;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.reconcile.MigrationSource;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.DumpOnFailure;
import dev.schemagate.testenv.Kubectl;
import dev.schemagate.testenv.PodTermination;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The basketball-api story in one namespace of the shared control plane, with the operator
 * in-process. Methods without a name act on the one app of the story ({@link #APP}); the named ones
 * let a test put several SchemaMigrations in one namespace.
 */
final class Scenario implements AutoCloseable {
  static final String APP = "basketball-api";
  static final String MIGRATIONS = "basketball-migrations";
  static final String DB_SECRET = "basketball-db";
  static final String DB_KEY = "url";
  static final String RUNNER_IMAGE = "schemagate:test";
  static final String APP_IMAGE = "basketball-api:1.7";
  static final int APP_REPLICAS = 2;

  /** What the runner writes to /dev/termination-log when migration 8 of the story fails. */
  static final String V8_FAILURE =
      "V8__add_team_model.sql: SQLSTATE 42710: ERROR: type \"division\" already exists";

  /** A first migration: any valid Flyway ConfigMap data will do, nothing runs it here. */
  static final Map<String, String> V1 =
      Map.of("V1__init.sql", "create table team (id bigint primary key, name text not null);");

  /**
   * Upper bound of every wait for the operator or the controllers: generous for a loaded 2-core
   * machine.
   */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final ControlPlane plane;
  final KubernetesClient client;
  final String namespace;
  private Operator operator;

  Scenario(ControlPlane plane, KubernetesClient client, String namespace) {
    this.plane = plane;
    this.client = client;
    this.namespace = namespace;
    DumpOnFailure.watch(client, namespace, null);
  }

  Scenario(String namespace) {
    this(Cluster.plane(), Cluster.client(), namespace);
  }

  /**
   * Gives each test method a {@code Scenario} parameter in a fresh namespace named after it, and
   * stops that scenario's operator after the test.
   */
  static final class PerTest implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace STORE =
        ExtensionContext.Namespace.create(Scenario.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == Scenario.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context
          .getStore(STORE)
          .getOrComputeIfAbsent(
              "scenario",
              k -> new Scenario(Cluster.newNamespace(context.getRequiredTestMethod().getName())),
              Scenario.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
      var scenario = context.getStore(STORE).remove("scenario", Scenario.class);
      if (scenario != null) {
        scenario.close();
      }
    }
  }

  // --- the operator -------------------------------------------------------------------------

  /** Starts an operator, with a client of its own, that watches only this namespace. */
  Scenario startOperator() {
    return startOperator(new SimpleMeterRegistry());
  }

  /** As above, with its metrics in {@code registry}. */
  Scenario startOperator(MeterRegistry registry) {
    if (operator != null) {
      throw new IllegalStateException("operator already running in " + namespace);
    }
    operator =
        SchemaGateOperator.start(
            plane.client(),
            registry,
            new SchemaGateOperator.Settings(Set.of(namespace), RUNNER_IMAGE, null));
    return this;
  }

  /** The running operator: for tests of what java-operator-sdk does with our event sources. */
  Operator operator() {
    return Objects.requireNonNull(operator, "no operator started");
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

  // --- the app's Deployment -----------------------------------------------------------------

  static Deployment appDeployment(String namespace) {
    return appDeployment(namespace, APP, APP_IMAGE, APP_REPLICAS);
  }

  /** The app as a zero-downtime Deployment: maxUnavailable 0, so a hold costs no old pod. */
  static Deployment appDeployment(String namespace, String name, String image, int replicas) {
    return AppDeployment.of(
        namespace, name, replicas, new ContainerBuilder().withName("app").withImage(image).build());
  }

  Deployment createDeployment() {
    return createDeployment(APP);
  }

  Deployment createDeployment(String name) {
    return client.resource(appDeployment(namespace, name, APP_IMAGE, APP_REPLICAS)).create();
  }

  /** A new version, as `kubectl set image` or a GitOps commit makes it. */
  Deployment setImage(String image) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(APP)
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
              return d;
            });
  }

  /** The app's pods that are not being deleted, oldest first. */
  List<Pod> appPods() {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/name", APP)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .toList();
  }

  List<Pod> appPods(String image) {
    return appPods().stream()
        .filter(p -> image.equals(p.getSpec().getContainers().get(0).getImage()))
        .toList();
  }

  /** Waits until {@code count} pods of {@code image} exist, all held by the scheduling gate. */
  List<Pod> awaitHeld(String image, int count) {
    return awaitPods(image, count, p -> gated(p) && APP.equals(heldBy(p)));
  }

  /** Waits until {@code count} pods of {@code image} exist, none of them gated or labelled held. */
  List<Pod> awaitReleased(String image, int count) {
    return awaitPods(image, count, p -> !gated(p) && heldBy(p) == null);
  }

  private List<Pod> awaitPods(String image, int count, Predicate<Pod> each) {
    return await()
        .atMost(TIMEOUT)
        .until(() -> appPods(image), pods -> pods.size() == count && pods.stream().allMatch(each));
  }

  private static String heldBy(Pod pod) {
    return pod.getMetadata().getLabels().get(PodGate.HELD_BY);
  }

  /** Waits for the migration Job of this image and returns it. */
  Job awaitJobFor(String image) {
    return awaitJobFor(image, TIMEOUT);
  }

  Job awaitJobFor(String image, Duration within) {
    return await("the migration Job of " + image)
        .atMost(within)
        .until(
            () ->
                jobs().stream()
                    .filter(
                        j ->
                            image.equals(
                                j.getMetadata()
                                    .getAnnotations()
                                    .get(MigrationJob.IMAGE_ANNOTATION)))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  static boolean gated(Pod pod) {
    return pod.getSpec().getSchedulingGates().stream()
        .anyMatch(g -> PodGate.GATE.equals(g.getName()));
  }

  Deployment deployment() {
    return deployment(APP);
  }

  Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** Deletes the app's Deployment and waits until the API server no longer has it. */
  void deleteDeployment() {
    client.apps().deployments().inNamespace(namespace).withName(APP).delete();
    await().atMost(TIMEOUT).until(() -> deployment() == null);
  }

  /**
   * Runs the real kubectl against this control plane, in this namespace; fails the test on a
   * non-zero exit.
   */
  String kubectl(String stdin, String... args) {
    var all = new ArrayList<String>();
    all.add("--namespace=" + namespace);
    all.addAll(List.of(args));
    return Kubectl.run(plane.kubeconfig(), stdin, all.toArray(String[]::new));
  }

  // --- the migrations ConfigMap -------------------------------------------------------------

  ConfigMap putMigrations(Map<String, String> data) {
    return putMigrations(MIGRATIONS, data);
  }

  /** Creates or replaces the ConfigMap's data. */
  ConfigMap putMigrations(String name, Map<String, String> data) {
    return client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withData(data)
                .build())
        .fieldManager("scenario")
        .forceConflicts()
        .serverSideApply();
  }

  // --- the SchemaMigration ------------------------------------------------------------------

  static SchemaMigration migrationFor(String namespace) {
    return migrationFor(namespace, APP, MIGRATIONS);
  }

  /**
   * A Flyway SchemaMigration named after, and targeting, the Deployment {@code app}; without a
   * rehearsal, since the Jobs here end as the tests say (RehearsalIT runs rehearsals on a node).
   */
  static SchemaMigration migrationFor(String namespace, String app, String configMap) {
    return migrationFor(namespace, app, configMap, BasketballExample.DATABASE_SECRET);
  }

  /** As {@link #migrationFor(String, String, String)}, on the database of its own Secret. */
  static SchemaMigration migrationFor(
      String namespace, String app, String configMap, String urlSecret) {
    var migration = BasketballExample.flywayMigration(namespace, app, configMap, urlSecret);
    var rehearsal = new RehearsalSettings();
    rehearsal.setMode(RehearsalMode.Off);
    migration.getSpec().setRehearsal(rehearsal);
    return migration;
  }

  SchemaMigration createMigration() {
    return createMigration(migrationFor(namespace));
  }

  SchemaMigration createMigration(SchemaMigration migration) {
    return client.resource(migration).create();
  }

  SchemaMigration migration() {
    return migration(APP);
  }

  SchemaMigration migration(String name) {
    return client.resources(SchemaMigration.class).inNamespace(namespace).withName(name).get();
  }

  SchemaMigration editMigration(UnaryOperator<SchemaMigration> edit) {
    return client.resources(SchemaMigration.class).inNamespace(namespace).withName(APP).edit(edit);
  }

  /**
   * The revision SchemaGate must compute for the app's SchemaMigration with this ConfigMap data and
   * the Deployment as it is now.
   */
  String expectedRevision(Map<String, String> data) {
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(MIGRATIONS)
            .endMetadata()
            .withData(data)
            .build();
    var source =
        MigrationSource.resolve(
            migration(),
            configMap,
            Optional.ofNullable(deployment()).stream()
                .map(d -> TargetWorkload.of(TargetDeployment.of(d, null)))
                .toList());
    return ((MigrationSource.Valid) source).revision();
  }

  Optional<Condition> condition(String type) {
    return condition(APP, type);
  }

  Optional<Condition> condition(String name, String type) {
    var m = migration(name);
    if (m == null || m.getStatus() == null) {
      return Optional.empty();
    }
    return m.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * Waits until condition {@code type} of the app's SchemaMigration is True with this reason, and
   * returns it.
   */
  Condition awaitTrue(String type, String reason) {
    return awaitTrue(APP, type, reason);
  }

  Condition awaitTrue(String name, String type, String reason) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                condition(name, type)
                    .filter(c -> "True".equals(c.getStatus()) && reason.equals(c.getReason()))
                    .isPresent());
    return condition(name, type).orElseThrow();
  }

  /** core/v1 Events about the app's SchemaMigration with this reason, oldest first. */
  List<Event> events(String reason) {
    return events(APP, reason);
  }

  /** core/v1 Events about the SchemaMigration {@code name} with this reason, oldest first. */
  List<Event> events(String name, String reason) {
    return client
        .v1()
        .events()
        .inNamespace(namespace)
        .withField("involvedObject.kind", "SchemaMigration")
        .withField("involvedObject.name", name)
        .list()
        .getItems()
        .stream()
        .filter(e -> reason.equals(e.getReason()))
        .sorted(Comparator.comparing(e -> e.getMetadata().getCreationTimestamp()))
        .toList();
  }

  // --- Jobs and their pods ------------------------------------------------------------------

  List<Job> jobs() {
    return jobs(APP);
  }

  /** The migration Jobs of one SchemaMigration. */
  List<Job> jobs(String instance) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(MigrationJob.INSTANCE_LABEL, instance)
        .list()
        .getItems();
  }

  /** Waits for the Job of this name and returns it. */
  Job awaitJob(String name) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> client.batch().v1().jobs().inNamespace(namespace).withName(name).get(),
            Objects::nonNull);
  }

  /** Waits until the app's SchemaMigration has exactly one Job, and returns it. */
  Job awaitOnlyJob() {
    return await().atMost(TIMEOUT).until(this::jobs, jobs -> jobs.size() == 1).get(0);
  }

  List<Pod> pods(String job) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("batch.kubernetes.io/job-name", job)
        .list()
        .getItems();
  }

  /**
   * Waits for the pod the Job controller makes for this Job (by the Job's uid: a deleted Job of the
   * same name may leave pods behind for a moment), and returns it.
   */
  Pod awaitPod(Job job) {
    var uid = job.getMetadata().getUid();
    return await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                    .pods()
                    .inNamespace(namespace)
                    .withLabel("batch.kubernetes.io/controller-uid", uid)
                    .list()
                    .getItems()
                    .stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  /** Plays the kubelet for the Job's pod: the migration succeeded. */
  void succeed(Job job) {
    finishPod(awaitPod(job), 0, null);
  }

  /** Plays the kubelet for the Job's pod: the migration failed with this termination message. */
  void fail(Job job, String message) {
    finishPod(awaitPod(job), 1, message);
  }

  /** Plays the kubelet for a migration pod: it ran and exited with this code and message. */
  void finishPod(Pod pod, int exitCode, String message) {
    PodTermination.write(client, pod, exitCode, message);
  }

  static boolean hasCondition(Job job, String type) {
    return job != null
        && job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
