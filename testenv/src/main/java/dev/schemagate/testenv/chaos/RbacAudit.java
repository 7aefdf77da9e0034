package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.BenchCluster.await;

import dev.schemagate.api.RehearsalMode;
import dev.schemagate.api.RehearsalSettings;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Strategy;
import dev.schemagate.api.Workload;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.PodGate;
import dev.schemagate.job.RehearsalJob;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Command;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.Kubectl;
import dev.schemagate.testenv.Manifests;
import dev.schemagate.testenv.NoPodsQuota;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.PodTermination;
import dev.schemagate.testenv.bench.RequestLog;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The chart's RBAC against what the operator uses, on one control plane: installs the chart's
 * ServiceAccount and Roles (watchNamespaces: one app namespace), runs the operator jar as that
 * ServiceAccount with its request log on, drives it through every path this plane has that calls
 * the API server (Job create, from a Deployment's, a StatefulSet's and a CronJob's pod template,
 * stray eviction, release, StopOldPods scale, Events written, a Job's FailedCreate Events read,
 * finalizer removal on delete, leader election where MutatingAdmissionPolicy is served; the nudge
 * where it is not), and reads the verbs it used, those `kubectl auth can-i --list` says it is
 * granted, and those a ServiceAccount without bindings is granted (the baseline, left out of both).
 * RbacIT runs it in the test suite, the chaos part `rbac` ({@link RbacRun}) in `testenv/chaos`.
 */
public final class RbacAudit {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String RELEASE = "sg";
  private static final Path CHART = Binaries.repoRoot().resolve("charts/schemagate");

  private RbacAudit() {}

  /**
   * What audits found: rights as {@link RbacGrants} writes them, and the operator's log lines that
   * say a request was Forbidden.
   */
  public record Result(
      Set<String> used, Set<String> granted, Set<String> baseline, List<String> forbidden) {
    /** Both audits' findings together. */
    public Result plus(Result other) {
      return new Result(
          union(used, other.used),
          union(granted, other.granted),
          union(baseline, other.baseline),
          Stream.concat(forbidden.stream(), other.forbidden.stream()).toList());
    }

    /** With rights other operators were seen to use (their request logs). */
    public Result plusUsed(Set<String> more) {
      return new Result(union(used, more), granted, baseline, forbidden);
    }

    public Set<String> usedBeyondBaseline() {
      return minus(used, baseline);
    }

    public Set<String> grantedBeyondBaseline() {
      return minus(granted, baseline);
    }

    /**
     * Granted and never used, used and not granted; a refusal in the log counts as missing too (a
     * right granted in one namespace may be used in another).
     */
    public RbacGrants.Comparison compare() {
      var comparison = RbacGrants.compare(grantedBeyondBaseline(), usedBeyondBaseline());
      var missing = new TreeSet<>(comparison.missing());
      forbidden.stream().map(RbacGrants::forbidden).flatMap(Optional::stream).forEach(missing::add);
      return new RbacGrants.Comparison(comparison.unused(), missing);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
      var union = new TreeSet<>(a);
      union.addAll(b);
      return union;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
      var difference = new TreeSet<>(a);
      difference.removeAll(b);
      return difference;
    }
  }

  /**
   * Audits on this plane; the ServiceAccount's kubeconfig and the operator's log go to {@code dir}.
   * The paths driven are the plane's: with MutatingAdmissionPolicy served, hold, release, evict,
   * delete and StopOldPods; without it, the nudge.
   */
  public static Result run(ControlPlane plane, Path dir) throws Exception {
    try (var client = plane.client()) {
      var mutating = ControlPlane.servesMutatingAdmissionPolicy(client);
      var prefix = mutating ? "rbac" : "rbac-vap";
      var release = namespace(client, prefix);
      var app = namespace(client, prefix + "-app");
      var rbac =
          Command.run(
                  List.of(
                      Binaries.of("helm").toString(),
                      "template",
                      RELEASE,
                      CHART.toString(),
                      "--namespace=" + release,
                      "--set",
                      "watchNamespaces={" + app + "}",
                      "--show-only=templates/serviceaccount.yaml",
                      "--show-only=templates/rbac.yaml",
                      "--show-only=templates/leader-election-rbac.yaml"),
                  null,
                  Duration.ofSeconds(60))
              .ok();
      for (var o : Manifests.objects(rbac)) {
        client.resource(o).create();
      }
      var user = "system:serviceaccount:" + release + ":" + RELEASE + "-schemagate";
      Files.createDirectories(dir);
      var kubeconfig =
          Files.writeString(
              dir.resolve(release + ".kubeconfig"),
              Files.readString(plane.kubeconfig())
                  .replaceFirst("(?m)^(\\s+)token: (\\S+)$", "$1token: $2\n$1as: " + user));
      var log = dir.resolve(release + "-operator.log");
      try (var operator =
          OperatorProcess.start(
              kubeconfig,
              List.of(RequestLog.JVM_OPTION),
              List.of("--namespaces=" + app, "--runner-image=schemagate:test", "--leader-election"),
              Map.of("POD_NAMESPACE", release),
              log)) {
        operator.awaitReady(TIMEOUT);
        if (mutating) {
          holdReleaseEvictDelete(client, app);
          stopOldPods(client, app);
          otherWorkloads(client, app);
          cannotCreateItsPod(client, app);
        } else {
          nudge(client, app);
        }
        if (operator.terminate(Duration.ofSeconds(15)).isEmpty()) {
          throw new IllegalStateException("the operator did not exit on SIGTERM; see " + log);
        }
      }
      var lines = Files.readAllLines(log);
      var granted = new TreeSet<String>();
      var baseline = new TreeSet<String>();
      for (var ns : List.of(release, app)) {
        granted.addAll(canIList(plane, user, ns));
        baseline.addAll(canIList(plane, "system:serviceaccount:" + release + ":nobody", ns));
      }
      return new Result(
          RbacGrants.used(RequestLog.requests(lines)),
          granted,
          baseline,
          lines.stream().filter(l -> l.contains("Forbidden") || l.contains("forbidden")).toList());
    }
  }

  /**
   * The app's pods exist before its SchemaMigration (strays: evicted), their replacements are held,
   * released when the Job's pod succeeds; then a new image is held and the SchemaMigration deleted
   * (its cleanup releases the held pods, and the finalizer goes).
   */
  private static void holdReleaseEvictDelete(KubernetesClient client, String ns)
      throws InterruptedException {
    client.resource(AppDeployment.of(ns, "app", 2, container("app:1"))).create();
    until("2 app pods", () -> pods(client, ns, "app").size() == 2);
    client.resource(configMap(ns, "app")).create();
    client.resource(migration(ns, "app", Strategy.HoldNewPods)).create();

    succeedJobPod(client, ns, "app");
    until("app Ready", () -> ready(client, ns, "app"));
    until(
        "app's pods released",
        () ->
            pods(client, ns, "app").stream()
                .allMatch(p -> p.getSpec().getSchedulingGates().isEmpty()));

    setImage(client, ns, "app", "app:2");
    until(
        "a pod of app:2 held",
        () ->
            pods(client, ns, "app").stream()
                .anyMatch(p -> p.getMetadata().getLabels().containsKey(PodGate.HELD_BY)));
    client.resources(SchemaMigration.class).inNamespace(ns).withName("app").delete();
    until(
        "the SchemaMigration gone",
        () ->
            client.resources(SchemaMigration.class).inNamespace(ns).withName("app").get() == null);
    until(
        "no pod held",
        () ->
            pods(client, ns, "app").stream()
                .noneMatch(p -> p.getMetadata().getLabels().containsKey(PodGate.HELD_BY)));
  }

  /**
   * Last, as it leaves the namespace without room for a pod: a quota of no pods, so the Job cannot
   * create its pod and the operator reads the Job controller's FailedCreate Events.
   */
  private static void cannotCreateItsPod(KubernetesClient client, String ns)
      throws InterruptedException {
    NoPodsQuota.create(client, ns);
    client.resource(AppDeployment.of(ns, "quota", 1, container("quota:1"))).create();
    client.resource(configMap(ns, "quota")).create();
    // Without a rehearsal: the production Job's FailedCreate is what the operator reads.
    var quota = migration(ns, "quota", Strategy.HoldNewPods);
    var off = new RehearsalSettings();
    off.setMode(RehearsalMode.Off);
    quota.getSpec().setRehearsal(off);
    client.resource(quota).create();
    until(
        "quota's FailedCreate in its status",
        () ->
            Optional.ofNullable(
                    client
                        .resources(SchemaMigration.class)
                        .inNamespace(ns)
                        .withName("quota")
                        .get()
                        .getStatus())
                .map(st -> st.getLastPodProblem())
                .filter(p -> "FailedCreate".equals(p.getReason()))
                .isPresent());
  }

  /**
   * SchemaMigrations whose only workload is a StatefulSet, a CronJob, a Job: each one's migration
   * Job is derived from that workload's pod template, read by name.
   */
  private static void otherWorkloads(KubernetesClient client, String ns)
      throws InterruptedException {
    var pod = AppDeployment.of(ns, "x", 1, container("cache:1")).getSpec().getTemplate();
    client
        .resource(
            new StatefulSetBuilder()
                .withNewMetadata()
                .withName("cache")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withSelector(new LabelSelector(null, pod.getMetadata().getLabels()))
                .withTemplate(pod)
                .endSpec()
                .build())
        .create();
    var job = pod.getSpec().toBuilder().withRestartPolicy("Never").build();
    client
        .resource(
            new CronJobBuilder()
                .withNewMetadata()
                .withName("nightly")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withSchedule("0 3 * * *")
                .withSuspend(true)
                .withNewJobTemplate()
                .withNewSpec()
                .withNewTemplate()
                .withSpec(job)
                .endTemplate()
                .endSpec()
                .endJobTemplate()
                .endSpec()
                .build())
        .create();
    for (var kind : List.of(WorkloadKind.StatefulSet, WorkloadKind.CronJob)) {
      var name = kind == WorkloadKind.StatefulSet ? "cache" : "nightly";
      var migration = migration(ns, name, Strategy.HoldNewPods);
      migration.getSpec().getTarget().setDeployment(null);
      migration.getSpec().getTarget().setWorkloads(List.of(new Workload(kind, name)));
      client.resource(configMap(ns, name)).create();
      client.resource(migration).create();
      until(
          name + "'s migration Job",
          () ->
              !client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(ns)
                  .withLabel("app.kubernetes.io/instance", name)
                  .list()
                  .getItems()
                  .isEmpty());
    }
  }

  /** Scaled to 0 while its Job runs (after its rehearsal), and back afterwards. */
  private static void stopOldPods(KubernetesClient client, String ns) throws InterruptedException {
    client.resource(AppDeployment.of(ns, "stop", 1, container("stop:1"))).create();
    client.resource(configMap(ns, "stop")).create();
    client.resource(migration(ns, "stop", Strategy.StopOldPods)).create();
    succeedJobPod(client, ns, "stop");
    until("stop Ready", () -> ready(client, ns, "stop"));
    setImage(client, ns, "stop", "stop:2");
    // Stopped once the rehearsal has passed, before the migration runs.
    passRehearsal(client, ns, "stop");
    awaitReplicas(client, ns, "stop", 0);
    succeedMigration(client, ns, "stop");
    awaitReplicas(client, ns, "stop", 1);
  }

  private static void awaitReplicas(KubernetesClient client, String ns, String name, int replicas)
      throws InterruptedException {
    until(
        name + " at " + replicas + " replicas",
        () ->
            client.apps().deployments().inNamespace(ns).withName(name).get().getSpec().getReplicas()
                == replicas);
  }

  /** Without the mutating policy the new image's pods are refused; the release nudges their RS. */
  private static void nudge(KubernetesClient client, String ns) throws InterruptedException {
    client.resource(configMap(ns, "app")).create();
    client.resource(migration(ns, "app", Strategy.HoldNewPods)).create();
    until(
        "app's first status",
        () ->
            client
                    .resources(SchemaMigration.class)
                    .inNamespace(ns)
                    .withName("app")
                    .get()
                    .getStatus()
                != null);
    client.resource(AppDeployment.of(ns, "app", 1, container("app:1"))).create();
    succeedJobPod(client, ns, "app");
    until("app Ready", () -> ready(client, ns, "app"));
    until(
        "a ReplicaSet nudged",
        () ->
            client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .anyMatch(
                    rs ->
                        rs.getMetadata().getAnnotations() != null
                            && rs.getMetadata()
                                .getAnnotations()
                                .containsKey("schemagate.dev/released")));
  }

  /** A JSON patch: no conflict with the Deployment controller's writes. */
  private static void setImage(KubernetesClient client, String ns, String name, String image) {
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"%s\"}]"
                .formatted(image));
  }

  /** The rehearsal's pod passes (its report in the termination message), then the migration's. */
  private static void succeedJobPod(KubernetesClient client, String ns, String migration)
      throws InterruptedException {
    passRehearsal(client, ns, migration);
    succeedMigration(client, ns, migration);
  }

  private static void passRehearsal(KubernetesClient client, String ns, String migration)
      throws InterruptedException {
    until(
        migration + "'s rehearsal pod",
        () -> !runningJobPods(client, ns, migration, true).isEmpty());
    PodTermination.write(
        client,
        runningJobPods(client, ns, migration, true).get(0),
        0,
        "{\"result\":\"passed\",\"exitCode\":0,\"tookMs\":1000,\"rerun\":\"passed\"}");
  }

  private static void succeedMigration(KubernetesClient client, String ns, String migration)
      throws InterruptedException {
    until(
        migration + "'s migration pod",
        () -> !runningJobPods(client, ns, migration, false).isEmpty());
    PodTermination.write(client, runningJobPods(client, ns, migration, false).get(0), 0, null);
  }

  private static List<Pod> runningJobPods(
      KubernetesClient client, String ns, String migration, boolean rehearsal) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/instance", migration)
        .withLabel("app.kubernetes.io/component", "migration")
        .list()
        .getItems()
        .stream()
        .filter(p -> !"Succeeded".equals(p.getStatus().getPhase()))
        .filter(p -> RehearsalJob.isRehearsal(p.getMetadata().getLabels()) == rehearsal)
        .toList();
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    await(what, TIMEOUT, POLL, condition);
  }

  private static Set<String> canIList(ControlPlane plane, String user, String ns) {
    return RbacGrants.granted(
        Kubectl.run(plane.kubeconfig(), null, "auth", "can-i", "--list", "--as=" + user, "-n", ns));
  }

  private static String namespace(KubernetesClient client, String prefix) {
    var name = prefix + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static Container container(String image) {
    return new ContainerBuilder().withName("app").withImage(image).build();
  }

  private static ConfigMap configMap(String ns, String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name + "-migrations")
        .withNamespace(ns)
        .endMetadata()
        .withData(Map.of("V1__init.sql", "create table t(id int);"))
        .build();
  }

  private static SchemaMigration migration(String ns, String name, Strategy strategy) {
    var migration = BasketballExample.flywayMigration(ns, name, name + "-migrations", name + "-db");
    migration.getSpec().setStrategy(strategy);
    return migration;
  }

  private static List<Pod> pods(KubernetesClient client, String ns, String app) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel(AppDeployment.NAME_LABEL, app)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static boolean ready(KubernetesClient client, String ns, String name) {
    var m = client.resources(SchemaMigration.class).inNamespace(ns).withName(name).get();
    return m != null
        && m.getStatus() != null
        && m.getStatus().getConditions() != null
        && m.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
