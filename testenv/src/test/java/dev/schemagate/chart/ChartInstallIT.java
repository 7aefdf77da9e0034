package dev.schemagate.chart;

import static dev.schemagate.chart.Cli.CHART;
import static dev.schemagate.chart.Cli.helmOnCluster;
import static dev.schemagate.chart.Cli.kubectl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.SchemaGateOperator;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.PodGate;
import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.ControlPlane;
import dev.schemagate.testenv.Manifests;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.PodTermination;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `helm install` of the chart on the real control plane, whose CRD {@link Cluster} installed from
 * crds/ already, and the RBAC it grants, checked as the operator's ServiceAccount would be
 * authorized (`kubectl auth can-i --as system:serviceaccount:...`, which the admin kubeconfig may
 * impersonate).
 */
class ChartInstallIT {
  static final String CRD = "schemamigrations.schemagate.dev";
  static final String INSTANCE = "app.kubernetes.io/instance";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final KubernetesClient client = Cluster.client();

  /**
   * Defaults (all namespaces) and the chart's crds/ left on: helm finds the CRD already there and
   * skips it (helm never updates or deletes a CRD of crds/), so the install coexists with it.
   */
  @Test
  void defaultInstallBesideTheExistingCrdGrantsLeastPrivilegeEverywhere() {
    var namespace = Cluster.newNamespace("chart-default");
    var release = "sg-" + namespace;
    var app = Cluster.newNamespace("chart-default-app");
    var crdBefore = crd();

    var install =
        helmOnCluster("install", release, CHART.toString(), "--namespace=" + namespace).ok();
    assertThat(install).contains("STATUS: deployed");

    var crdAfter = crd();
    assertThat(crdAfter.getMetadata().getUid()).isEqualTo(crdBefore.getMetadata().getUid());
    assertThat(crdAfter.getMetadata().getResourceVersion())
        .isEqualTo(crdBefore.getMetadata().getResourceVersion());
    assertThat(crdAfter.getMetadata().getLabels())
        .doesNotContainKey("app.kubernetes.io/managed-by");

    var manifest = installed(release, namespace);
    var sa = serviceAccount(manifest);
    var kinds = assertThat(manifest).extracting(HasMetadata::getKind);
    kinds.contains(
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "Role",
        "RoleBinding",
        "Deployment",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding");
    // helm install reads the cluster's capabilities: the mutating policies where it is served
    // (Kubernetes 1.36 on), none before.
    var mutating = List.of("MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding");
    if (ControlPlane.servesMutatingAdmissionPolicy(client)) {
      kinds.containsAll(mutating);
    } else {
      kinds.doesNotContainAnyElementsOf(mutating);
    }

    assertAuthorized(
        sa,
        List.of(
            // What reconciling needs, in any namespace (a ClusterRole).
            allowed("create", "jobs.batch", app),
            // The one Job whose create found its name taken: cache lag, or edited out of sight.
            allowed("get", "jobs.batch", app),
            denied("delete", "jobs.batch", app),
            allowed("watch", "jobs.batch", app),
            allowed("list", "jobs.batch", null),
            allowed("patch", "deployments.apps", app),
            // The target's pod template, read whole when a migration Job is derived from it.
            allowed("get", "deployments.apps", app),
            allowed("watch", "deployments.apps", null),
            allowed("list", "configmaps", app),
            denied("get", "configmaps", app),
            allowed("list", "pods", app),
            // Releasing held pods (their scheduling gate) and nudging refused ReplicaSets.
            allowed("patch", "pods", app),
            allowed("delete", "pods", app),
            allowed("watch", "pods", null),
            // A migration pod's log tail: the runner's lock wait line.
            allowed("get", "pods", app, "log"),
            allowed("list", "replicasets.apps", app),
            allowed("patch", "replicasets.apps", app),
            allowed("create", "events", app),
            // A migration Job's FailedCreate Events, read when it has no pod: list, no watch.
            allowed("list", "events", app),
            denied("watch", "events", app),
            denied("get", "events", app),
            denied("create", "events.events.k8s.io", app),
            denied("patch", "events", app),
            allowed("patch", "schemamigrations.schemagate.dev", app, "status"),
            allowed("watch", "schemamigrations.schemagate.dev", null),
            // Leader election: the one Lease in the release namespace.
            allowed("get", "leases.coordination.k8s.io/schemagate-leader", namespace),
            allowed("update", "leases.coordination.k8s.io/schemagate-leader", namespace),
            allowed("patch", "leases.coordination.k8s.io/schemagate-leader", namespace),
            allowed("create", "leases.coordination.k8s.io", namespace),
            denied("update", "leases.coordination.k8s.io/other-lease", namespace),
            denied("patch", "leases.coordination.k8s.io/other-lease", namespace),
            denied("get", "leases.coordination.k8s.io/schemagate-leader", app),
            // Nothing more.
            denied("get", "secrets", null),
            denied("list", "secrets", null),
            denied("watch", "secrets", null),
            denied("get", "secrets", namespace),
            denied("list", "secrets", app),
            denied("watch", "secrets", app),
            denied("update", "deployments.apps", app),
            denied("delete", "deployments.apps", app),
            denied("create", "pods", app),
            denied("update", "pods", app),
            denied("patch", "pods", app, "status"),
            denied("create", "pods", app, "binding"),
            denied("create", "pods", namespace, "exec"),
            denied("create", "pods", app, "eviction"),
            denied("create", "replicasets.apps", app),
            denied("update", "replicasets.apps", app),
            denied("delete", "replicasets.apps", app),
            denied("patch", "replicasets.apps", app, "scale"),
            denied("delete", "schemamigrations.schemagate.dev", app),
            denied("create", "schemamigrations.schemagate.dev", app),
            denied("update", "configmaps", app),
            denied("get", "customresourcedefinitions.apiextensions.k8s.io", null),
            denied("create", "clusterrolebindings.rbac.authorization.k8s.io", null)));

    uninstallLeavesNothingBehind(release, namespace, manifest);
  }

  /**
   * watchNamespaces={a,b}: a Role in each of a and b, nothing cluster-wide. The CRD is left alone
   * with --skip-crds. The operator, run as the Deployment would run it with exactly these rights,
   * gates a Deployment in a.
   */
  @Test
  void namespaceScopedInstallGrantsOnlyItsNamespaces() throws Exception {
    var namespace = Cluster.newNamespace("chart-scoped");
    var a = Cluster.newNamespace("chart-scoped-a");
    var b = Cluster.newNamespace("chart-scoped-b");
    var other = Cluster.newNamespace("chart-scoped-other");
    var release = "sg-" + namespace;

    helmOnCluster(
            "install",
            release,
            CHART.toString(),
            "--namespace=" + namespace,
            "--skip-crds",
            "--set",
            "watchNamespaces={" + a + "," + b + "}")
        .ok();

    var manifest = installed(release, namespace);
    assertThat(manifest)
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    assertThat(client.rbac().clusterRoles().withLabel(INSTANCE, release).list().getItems())
        .isEmpty();
    assertThat(client.rbac().clusterRoleBindings().withLabel(INSTANCE, release).list().getItems())
        .isEmpty();

    var sa = serviceAccount(manifest);
    var checks = new ArrayList<Check>();
    for (var ns : List.of(a, b)) {
      checks.addAll(
          List.of(
              allowed("create", "jobs.batch", ns),
              allowed("watch", "jobs.batch", ns),
              allowed("patch", "deployments.apps", ns),
              allowed("watch", "configmaps", ns),
              allowed("list", "pods", ns),
              allowed("patch", "pods", ns),
              allowed("delete", "pods", ns),
              allowed("list", "replicasets.apps", ns),
              allowed("patch", "replicasets.apps", ns),
              denied("create", "pods", ns),
              allowed("create", "events", ns),
              allowed("list", "events", ns),
              allowed("patch", "schemamigrations.schemagate.dev", ns, "status"),
              denied("get", "secrets", ns),
              denied("list", "secrets", ns),
              denied("watch", "secrets", ns)));
    }
    checks.addAll(
        List.of(
            denied("create", "jobs.batch", other),
            denied("create", "jobs.batch", namespace),
            denied("list", "jobs.batch", null),
            denied("watch", "schemamigrations.schemagate.dev", null),
            denied("patch", "deployments.apps", other),
            denied("patch", "pods", other),
            denied("patch", "replicasets.apps", other),
            denied("watch", "configmaps", other),
            allowed("patch", "leases.coordination.k8s.io/schemagate-leader", namespace),
            denied("get", "secrets", null),
            denied("list", "secrets", null),
            denied("watch", "secrets", null),
            denied("get", "secrets", namespace),
            denied("get", "customresourcedefinitions.apiextensions.k8s.io", null)));
    assertAuthorized(sa, checks);

    operatorWithTheseRightsGates(sa, manifest, namespace, a);

    uninstallLeavesNothingBehind(release, namespace, manifest);
  }

  // --- RBAC -----------------------------------------------------------------------------------

  /** One `kubectl auth can-i`: namespace null means all namespaces (-A). */
  record Check(
      String verb, String resource, String namespace, String subresource, boolean expected) {
    @Override
    public String toString() {
      return (expected ? "can " : "cannot ")
          + verb
          + " "
          + resource
          + (subresource == null ? "" : "/" + subresource)
          + (namespace == null ? " (all namespaces)" : " in " + namespace);
    }
  }

  static Check allowed(String verb, String resource, String namespace) {
    return new Check(verb, resource, namespace, null, true);
  }

  static Check allowed(String verb, String resource, String namespace, String subresource) {
    return new Check(verb, resource, namespace, subresource, true);
  }

  static Check denied(String verb, String resource, String namespace) {
    return new Check(verb, resource, namespace, null, false);
  }

  static Check denied(String verb, String resource, String namespace, String subresource) {
    return new Check(verb, resource, namespace, subresource, false);
  }

  /**
   * Runs every check (a few kubectl processes at a time) and reports all the wrong ones together.
   */
  static void assertAuthorized(String user, List<Check> checks) {
    var pool = Executors.newFixedThreadPool(4);
    try {
      var futures = new ArrayList<Future<String>>();
      for (var check : checks) {
        futures.add(pool.submit(() -> verify(user, check)));
      }
      var wrong = new ArrayList<String>();
      for (var f : futures) {
        var problem = f.get(2, TimeUnit.MINUTES);
        if (problem != null) {
          wrong.add(problem);
        }
      }
      assertThat(wrong).as("RBAC of " + user).isEmpty();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Null when the answer is the expected one, else what went wrong. */
  private static String verify(String user, Check check) {
    var args =
        new ArrayList<>(List.of("auth", "can-i", check.verb(), check.resource(), "--as=" + user));
    args.add(check.namespace() == null ? "--all-namespaces" : "--namespace=" + check.namespace());
    if (check.subresource() != null) {
      args.add("--subresource=" + check.subresource());
    }
    var result = kubectl(args.toArray(String[]::new));
    // A misspelt resource would be a silent "no": kubectl warns when discovery does not know it.
    if (result.stderr().contains("doesn't have a resource type")) {
      return check + ": " + result.stderr().strip();
    }
    var answer = result.stdout().strip();
    if (result.exitCode() == 0 && answer.equals("yes")) {
      return check.expected() ? null : check + ": but kubectl says yes";
    }
    if (result.exitCode() == 1 && answer.startsWith("no")) {
      return check.expected() ? check + ": but kubectl says " + answer : null;
    }
    return check + ": " + result;
  }

  // --- the operator with the chart's rights ---------------------------------------------------

  /**
   * Runs the operator jar as the installed Deployment would run the image: its args, its
   * POD_NAMESPACE and JAVA_TOOL_OPTIONS, as the release's ServiceAccount (a kubeconfig that
   * impersonates it), and lets it gate one Deployment in {@code ns}: the rights are enough in
   * practice, not only on paper. Then SIGTERM, as the kubelet sends it: the operator must exit.
   */
  private void operatorWithTheseRightsGates(
      String user, List<HasMetadata> manifest, String releaseNamespace, String ns)
      throws Exception {
    var deployment = Manifests.ofKind(manifest, Deployment.class).get(0);
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    var args =
        container.getArgs().stream()
            .skip(1) // "operator": OperatorProcess adds it
            .filter(a -> !a.startsWith("--health-port=")) // and a free port
            .toList();
    var jvm =
        container.getEnv().stream()
            .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
            .map(EnvVar::getValue)
            .findFirst()
            .orElseThrow();
    assertThat(container.getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("POD_NAMESPACE"));

    var kubeconfig =
        Files.writeString(
            Path.of("target/cli-home").toAbsolutePath().resolve(releaseNamespace + ".kubeconfig"),
            Files.readString(Cluster.plane().kubeconfig())
                .replaceFirst("(?m)^(\\s+)token: (\\S+)$", "$1token: $2\n$1as: " + user));
    var log =
        Path.of("target/cli-home").toAbsolutePath().resolve(releaseNamespace + "-operator.log");
    try (var operator =
        OperatorProcess.start(
            kubeconfig,
            List.of(jvm.split(" ")),
            args,
            Map.of("POD_NAMESPACE", releaseNamespace),
            log)) {
      operator.awaitReady(Duration.ofSeconds(60));

      // In `kubectl apply` order, the gate first: the app's first pods are held.
      client
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("app-migrations")
                  .withNamespace(ns)
                  .endMetadata()
                  .withData(Map.of("V1__init.sql", "create table t(id int);"))
                  .build())
          .create();
      client.resource(migration(ns)).create();
      // The operator has seen it (no Deployment yet): so has the admission policies' informer.
      await().atMost(TIMEOUT).until(() -> migrationOf(ns).getStatus() != null);
      client
          .resource(
              AppDeployment.of(
                  ns, "app", 2, new ContainerBuilder().withName("app").withImage("app:1").build()))
          .create();

      // The revision is rehearsed first, in a Job of its own: it passes.
      var rehearsal =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> client.batch().v1().jobs().inNamespace(ns).list().getItems(),
                  jobs -> jobs.size() == 1)
              .get(0);
      assertThat(rehearsal.getMetadata().getName()).contains("-rehearse-");
      PodTermination.write(
          client,
          podOf(ns, rehearsal),
          0,
          "{\"result\":\"passed\",\"exitCode\":0,\"tookMs\":1000,\"rerun\":\"passed\"}");
      var job =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> client.batch().v1().jobs().inNamespace(ns).list().getItems(),
                  jobs -> jobs.size() == 2)
              .stream()
              .filter(j -> !j.getMetadata().getName().contains("-rehearse-"))
              .findFirst()
              .orElseThrow();
      if (ControlPlane.servesMutatingAdmissionPolicy(client)) {
        await().atMost(TIMEOUT).until(() -> appPods(ns), pods -> pods.size() == 2);
        assertThat(appPods(ns))
            .allSatisfy(p -> assertThat(held(p)).as(p.getMetadata().getName()).isTrue());
      } else {
        // Refused at creation by the ValidatingAdmissionPolicy, the only mechanism there.
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    client.v1().events().inNamespace(ns).list().getItems().stream()
                        .anyMatch(
                            e ->
                                "FailedCreate".equals(e.getReason())
                                    && e.getMessage().contains("SchemaGate holds this image")));
        assertThat(appPods(ns)).isEmpty();
      }
      PodTermination.write(client, podOf(ns, job), 0, null);
      // Released by a pod patch, which only the chart's rights allow it.
      await()
          .atMost(TIMEOUT)
          .until(
              () -> appPods(ns),
              pods -> pods.size() == 2 && pods.stream().noneMatch(ChartInstallIT::held));
      await().atMost(TIMEOUT).until(() -> ready(ns));
      // SchemaGate owns no field of the Deployment.
      assertThat(replicas(ns)).isEqualTo(2);
      var lease =
          client
              .leases()
              .inNamespace(releaseNamespace)
              .withName(SchemaGateOperator.LEASE_NAME)
              .get();
      assertThat(lease.getSpec().getHolderIdentity())
          .as("the leader-election Lease's holder")
          .isNotBlank();
      assertThat(Files.readString(log)).doesNotContain("Forbidden", "forbidden");

      assertThat(operator.terminate(Duration.ofSeconds(15)))
          .as("the operator exits within 15 s of SIGTERM; see " + log)
          .isPresent();
    }
  }

  private Pod podOf(String ns, Job job) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                    .pods()
                    .inNamespace(ns)
                    .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName())
                    .list()
                    .getItems(),
            pods -> !pods.isEmpty())
        .get(0);
  }

  private static SchemaMigration migration(String ns) {
    return BasketballExample.flywayMigration(ns, "app", "app-migrations", "app-db");
  }

  private Integer replicas(String ns) {
    var d = client.apps().deployments().inNamespace(ns).withName("app").get();
    return d == null ? null : d.getSpec().getReplicas();
  }

  private List<Pod> appPods(String ns) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/name", "app")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** Gated at creation by the chart's MutatingAdmissionPolicy, and labelled with its holder. */
  private static boolean held(Pod pod) {
    return pod.getSpec().getSchedulingGates().stream()
            .anyMatch(g -> PodGate.GATE.equals(g.getName()))
        && "app".equals(pod.getMetadata().getLabels().get(PodGate.HELD_BY));
  }

  private SchemaMigration migrationOf(String ns) {
    return client.resources(SchemaMigration.class).inNamespace(ns).withName("app").get();
  }

  private boolean ready(String ns) {
    var m = migrationOf(ns);
    return m != null
        && m.getStatus() != null
        && m.getStatus().getConditions() != null
        && m.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  // --- install and uninstall ------------------------------------------------------------------

  private CustomResourceDefinition crd() {
    return client.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
  }

  /** The release's objects as helm recorded them, each checked to exist on the server. */
  private List<HasMetadata> installed(String release, String namespace) {
    var manifest =
        Manifests.objects(
            helmOnCluster("get", "manifest", release, "--namespace=" + namespace).ok());
    assertThat(manifest).isNotEmpty();
    for (var o : manifest) {
      assertThat(client.resource(o).get())
          .as(o.getKind() + " " + o.getMetadata().getName())
          .isNotNull();
    }
    return manifest;
  }

  /** The user name of the release's ServiceAccount: system:serviceaccount:NAMESPACE:NAME. */
  private static String serviceAccount(List<HasMetadata> manifest) {
    var accounts = manifest.stream().filter(o -> o.getKind().equals("ServiceAccount")).toList();
    assertThat(accounts).hasSize(1);
    var meta = accounts.get(0).getMetadata();
    return "system:serviceaccount:" + meta.getNamespace() + ":" + meta.getName();
  }

  private void uninstallLeavesNothingBehind(
      String release, String namespace, List<HasMetadata> manifest) {
    helmOnCluster("uninstall", release, "--namespace=" + namespace, "--wait", "--timeout=60s").ok();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (var o : manifest) {
                assertThat(client.resource(o).get())
                    .as("left behind: " + o.getKind() + " " + o.getMetadata().getName())
                    .isNull();
              }
              // Anything labelled with the release, in any namespace, including what the Deployment
              // made.
              assertThat(
                      client
                          .serviceAccounts()
                          .inAnyNamespace()
                          .withLabel(INSTANCE, release)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client
                          .apps()
                          .deployments()
                          .inAnyNamespace()
                          .withLabel(INSTANCE, release)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client
                          .apps()
                          .replicaSets()
                          .inAnyNamespace()
                          .withLabel(INSTANCE, release)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client.pods().inAnyNamespace().withLabel(INSTANCE, release).list().getItems())
                  .isEmpty();
              assertThat(
                      client
                          .rbac()
                          .roles()
                          .inAnyNamespace()
                          .withLabel(INSTANCE, release)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client
                          .rbac()
                          .roleBindings()
                          .inAnyNamespace()
                          .withLabel(INSTANCE, release)
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      client.rbac().clusterRoles().withLabel(INSTANCE, release).list().getItems())
                  .isEmpty();
              assertThat(
                      client
                          .rbac()
                          .clusterRoleBindings()
                          .withLabel(INSTANCE, release)
                          .list()
                          .getItems())
                  .isEmpty();
              // Helm's own record of the release.
              assertThat(
                      client
                          .secrets()
                          .inNamespace(namespace)
                          .withLabel("owner", "helm")
                          .list()
                          .getItems())
                  .isEmpty();
            });
    assertThat(helmOnCluster("list", "--all", "--namespace=" + namespace, "--short").ok())
        .isBlank();
    // CRDs of crds/ are never deleted by helm: the SchemaMigrations of the cluster survive an
    // uninstall.
    assertThat(crd()).isNotNull();
  }
}
