package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.api.Workload;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.PodGate;
import dev.schemagate.reconcile.SchemaMigrationReconciler;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.ControlPlane;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The chart's pod admission policies on the real API server, with no operator running: from the
 * moment a SchemaMigration exists, a pod of its target whose app image is not in status.migrated is
 * held, and a pod of a migrated image is not. Status is written by hand, as the operator would.
 *
 * <p>Where MutatingAdmissionPolicy is served (the default control plane) such a pod is created with
 * the scheduling gate and the held-by label; where it is not, the ValidatingAdmissionPolicy refuses
 * it. The policies see a new SchemaMigration or status through an informer, a moment later than the
 * write: every first check waits for them with dry-run creates, which run admission and store
 * nothing.
 */
class PodAdmissionPolicyIT {
  static final String APP = Scenario.APP;
  static final String MIGRATED = "basketball-api:1.7";
  static final String NEW = "basketball-api:1.8";
  static final String HASH = "7d9f8c6b5d";
  static final Duration POLICY_SEES_IT = Duration.ofSeconds(20);
  static final String REFUSAL = holdMessage("Deployment " + APP, APP);

  // --- where MutatingAdmissionPolicy is served: scheduling gates ----------------------------

  @Test
  void podsOfAnUnmigratedImageAreGatedAndLabelledAndThoseOfAMigratedImageAreNot() {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-gate");
    client.resource(Scenario.migrationFor(ns)).create();

    // No status yet: nothing is migrated, every image of the target is held.
    var first = awaitAdmitted(client, pod(ns, "first", MIGRATED), PodAdmissionPolicyIT::held);
    assertThat(first.getMetadata().getLabels()).containsEntry(PodGate.HELD_BY, APP);
    assertThat(first.getSpec().getSchedulingGates())
        .extracting(g -> g.getName())
        .containsExactly(PodGate.GATE);

    writeMigrated(client, ns, MIGRATED);

    var migrated = awaitAdmitted(client, pod(ns, "migrated", MIGRATED), p -> !held(p));
    assertThat(migrated.getSpec().getSchedulingGates()).isEmpty();
    assertThat(migrated.getMetadata().getLabels()).doesNotContainKey(PodGate.HELD_BY);
    var unmigrated = create(client, pod(ns, "unmigrated", NEW));
    assertThat(held(unmigrated)).as("pod of %s", NEW).isTrue();
    // Gates of the pod's own are kept beside SchemaGate's.
    var withItsOwnGate =
        create(
            client,
            new PodBuilder(pod(ns, "own-gate", NEW))
                .editSpec()
                .addNewSchedulingGate("example.com/quota")
                .endSpec()
                .build());
    assertThat(withItsOwnGate.getSpec().getSchedulingGates())
        .extracting(g -> g.getName())
        .containsExactlyInAnyOrder("example.com/quota", PodGate.GATE);
    // The app container is the first one by default: the image of a second container is not
    // checked.
    var sidecar =
        create(
            client,
            new PodBuilder(pod(ns, "sidecar", MIGRATED))
                .editSpec()
                .addToContainers(container("proxy", "proxy:unmigrated"))
                .endSpec()
                .build());
    assertThat(held(sidecar)).isFalse();
  }

  /** spec.target.container names the app container, wherever it is in the pod's list. */
  @Test
  void theNamedContainersImageDecides() {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-container");
    var migration = Scenario.migrationFor(ns);
    migration.getSpec().getTarget().setContainer("api");
    client.resource(migration).create();
    writeMigrated(client, ns, MIGRATED);

    var migrated =
        awaitAdmitted(
            client,
            pod(ns, "migrated", container("proxy", "proxy:1"), container("api", MIGRATED)),
            p -> !held(p));
    assertThat(migrated.getMetadata().getLabels()).doesNotContainKey(PodGate.HELD_BY);
    var unmigrated =
        create(client, pod(ns, "unmigrated", container("proxy", MIGRATED), container("api", NEW)));
    assertThat(held(unmigrated)).isTrue();
  }

  /**
   * Every kind of workload in spec.target: a pod of each (as its controller makes it) is held while
   * its image is not migrated, and admitted once it is. A worker Deployment's own container
   * overrides spec.target.container.
   */
  @Test
  void podsOfEveryKindOfGatedWorkloadAreHeldUntilTheirImageIsMigrated() {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-workloads");
    client.resource(appWithWorkloads(ns)).create();
    awaitAdmitted(client, pod(ns, "probe", NEW), PodAdmissionPolicyIT::held);

    for (var pod : workloadPods(ns, "a", NEW)) {
      assertThat(create(client, pod))
          .as(pod.getMetadata().getName())
          .matches(PodAdmissionPolicyIT::held, "held");
    }

    writeMigrated(client, ns, NEW);
    awaitAdmitted(client, pod(ns, "probe-migrated", NEW), p -> !held(p));
    for (var pod : workloadPods(ns, "b", NEW)) {
      var created = create(client, pod);
      assertThat(created.getSpec().getSchedulingGates()).as(pod.getMetadata().getName()).isEmpty();
      assertThat(created.getMetadata().getLabels()).doesNotContainKey(PodGate.HELD_BY);
    }
    // The worker's app container is "api": a new image in its first container is not its release.
    assertThat(
            held(
                create(
                    client,
                    pod(
                        ns,
                        "worker-" + HASH + "-sidecar",
                        "worker-" + HASH,
                        HASH,
                        List.of(container("proxy", "proxy:unmigrated"), container("api", NEW))))))
        .isFalse();
  }

  /**
   * Pods of workloads the SchemaMigration does not name, of a DaemonSet, bare pods, a Job whose
   * name only looks like a CronJob's, and SchemaGate's own migration pod are admitted as they are.
   */
  @Test
  void podsOfWorkloadsNotInTheTargetAreNotHeld() {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-not-target");
    client.resource(appWithWorkloads(ns)).create();
    awaitAdmitted(client, pod(ns, "probe", NEW), PodAdmissionPolicyIT::held);

    var pods =
        List.of(
            statefulSetPod(ns, "ledger-archive", 0, NEW),
            daemonSetPod(ns, "ledger", NEW),
            jobPod(ns, "nightly-manual-x7k2p", NEW),
            jobPod(ns, "nightly-report-29411520", NEW),
            jobPod(ns, "backfill-2", NEW),
            migrationPod(ns, "nightly-1234567890", NEW),
            barePod(ns, "bare", NEW));
    for (var pod : pods) {
      var created = create(client, pod);
      assertThat(created.getSpec().getSchedulingGates()).as(pod.getMetadata().getName()).isEmpty();
      assertThat(created.getMetadata().getLabels())
          .as(pod.getMetadata().getName())
          .doesNotContainKey(PodGate.HELD_BY);
    }
  }

  /** Real pods of a real ReplicaSet: their names are generated, so only owner and label match. */
  @Test
  void aDeploymentCreatedAfterItsSchemaMigrationGetsGatedPods() {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-deployment");
    client.resource(Scenario.migrationFor(ns)).create();
    awaitAdmitted(client, pod(ns, "probe", NEW), PodAdmissionPolicyIT::held);

    client.resource(Scenario.appDeployment(ns, APP, NEW, 2)).create();

    var pods =
        await().atMost(Scenario.TIMEOUT).until(() -> appPods(client, ns), p -> p.size() == 2);
    assertThat(pods)
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getGenerateName()).startsWith(APP + "-");
              assertThat(held(p)).as(p.getMetadata().getName()).isTrue();
            });
  }

  @Test
  void podsOfOtherDeploymentsBarePodsAndOtherNamespacesAreNotConcerned() {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-other");
    var elsewhere = Cluster.newNamespace("admission-elsewhere");
    client.resource(Scenario.migrationFor(ns)).create();
    // The policies are in force here: a pod of the target is held.
    awaitAdmitted(client, pod(ns, "target", NEW), PodAdmissionPolicyIT::held);

    // Another Deployment whose name merely starts the same. (The garbage collector removes these
    // pods soon after, since their ReplicaSets do not exist.)
    var other =
        create(client, pod(ns, "worker", "basketball-api-worker-6c5b", "6c5b", List.of(app(NEW))));
    var bare =
        create(
            client,
            new PodBuilder()
                .withNewMetadata()
                .withName("bare")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .addToContainers(app(NEW))
                .endSpec()
                .build());
    // A pod that looks like the target's but sits in a namespace with no SchemaMigration.
    var otherNamespace = create(client, pod(elsewhere, "target", NEW));
    assertThat(List.of(other, bare, otherNamespace))
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getUid()).isNotBlank();
              assertThat(p.getSpec().getSchedulingGates()).as(p.getMetadata().getName()).isEmpty();
              assertThat(p.getMetadata().getLabels()).doesNotContainKey(PodGate.HELD_BY);
            });
  }

  /** The operator's finalizer comes with the create, where JOSDK would PATCH it in after. */
  @Test
  void aSchemaMigrationIsCreatedWithTheOperatorsFinalizer() {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-finalizer");
    await()
        .atMost(POLICY_SEES_IT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resource(Scenario.migrationFor(ns))
                            .dryRun()
                            .create()
                            .getMetadata()
                            .getFinalizers())
                    .containsExactly(SchemaMigrationReconciler.FINALIZER));

    assertThat(client.resource(Scenario.migrationFor(ns)).create().getMetadata().getFinalizers())
        .containsExactly(SchemaMigrationReconciler.FINALIZER);
    // A finalizer of the user's own is kept beside it; the operator's is not doubled.
    // Each on a database of its own: one per database.
    var withOwn = BasketballExample.flywayMigration(ns, "worker", Scenario.MIGRATIONS, "worker-db");
    withOwn.getMetadata().setFinalizers(List.of("example.com/keep"));
    assertThat(client.resource(withOwn).create().getMetadata().getFinalizers())
        .containsExactly("example.com/keep", SchemaMigrationReconciler.FINALIZER);
    var withOurs =
        BasketballExample.flywayMigration(ns, "scheduler", Scenario.MIGRATIONS, "scheduler-db");
    withOurs.getMetadata().setFinalizers(List.of(SchemaMigrationReconciler.FINALIZER));
    assertThat(client.resource(withOurs).create().getMetadata().getFinalizers())
        .containsExactly(SchemaMigrationReconciler.FINALIZER);
    // Nobody runs here to remove them.
    for (var name : List.of(APP, "worker", "scheduler")) {
      client
          .resources(SchemaMigration.class)
          .inNamespace(ns)
          .withName(name)
          .edit(
              m -> {
                m.getMetadata().setFinalizers(List.of());
                return m;
              });
    }
  }

  // --- while the API server cannot read SchemaMigrations: closed ----------------------------

  /**
   * The chart's pod policies with their paramKind pointed at a kind the API server does not serve:
   * what a restarted API server meets in its first seconds, before it has discovered and listed
   * SchemaMigrations. A pod of a Deployment, a StatefulSet or a Job (a CronJob's too) is refused
   * (its controller creates it again later), not admitted ungated to run before its migration; pods
   * the policies never match (a DaemonSet's, a bare one, SchemaGate's migration pod, any in
   * kube-system) are admitted: the objectSelectors keep them from ever being evaluated. The copies
   * are confined to this test's namespace and kube-system, so nothing else on the shared plane is
   * refused meanwhile.
   */
  @Test
  void podsOfWorkloadsAreRefusedWhileThePoliciesCannotReadSchemaMigrations() throws Exception {
    var client = Cluster.client();
    var ns = Cluster.newNamespace("admission-unreadable");
    var unreadable =
        unreadableCopies(
            ControlPlane.renderPodAdmissionPolicy(
                Binaries.repoRoot().resolve("charts/schemagate"),
                ControlPlane.servesMutatingAdmissionPolicy(client)),
            ns);
    client.load(new ByteArrayInputStream(unreadable.getBytes(StandardCharsets.UTF_8))).create();
    try {
      // A policy that cannot be configured refuses as Invalid (422) or Forbidden (403): this API
      // server has answered both for the same pod, as either policy's failure came first.
      assertThat(awaitRefused(client, pod(ns, "held", NEW), Set.of(403, 422)))
          .contains("paramKind");
      for (var pod :
          List.of(
              statefulSetPod(ns, "ledger", 1, NEW),
              jobPod(ns, "nightly-29411520", NEW),
              jobPod(ns, "backfill", NEW))) {
        assertThat(awaitRefused(client, pod, Set.of(403, 422)))
            .as(pod.getMetadata().getName())
            .contains("paramKind");
      }
      for (var pod :
          List.of(
              daemonSetPod(ns, "ledger", NEW),
              barePod(ns, "bare", NEW),
              migrationPod(ns, "basketball-api-5c1f0a9e2b", NEW),
              pod("kube-system", "held", NEW))) {
        assertThat(refusal(client, pod, true)).as(pod.getMetadata().getName()).isNull();
      }
    } finally {
      client.load(new ByteArrayInputStream(unreadable.getBytes(StandardCharsets.UTF_8))).delete();
    }
  }

  /** The rendered pod policies, renamed, reading an unserved kind, matching only {@code ns}. */
  static String unreadableCopies(String rendered, String ns) {
    var copies =
        rendered
            .replaceAll("-(gate|hold)-([a-z]+)-pods\n", "-$1-$2-pods-unreadable\n")
            .replace("    kind: SchemaMigration\n", "    kind: SchemaMigrationUnserved\n")
            .replace(
                "values: [kube-system, kube-public, kube-node-lease]\n",
                """
                values: [kube-system, kube-public, kube-node-lease]
                        - key: kubernetes.io/metadata.name
                          operator: In
                          values: [%s, kube-system]
                """
                    .formatted(ns));
    assertThat(copies)
        .doesNotContain("kind: SchemaMigration\n", "-pods\n")
        .contains("values: [" + ns + ", kube-system]");
    return copies;
  }

  // --- where it is not served: the ValidatingAdmissionPolicy alone --------------------------

  @Test
  void withoutMutatingAdmissionPolicyPodsOfAnUnmigratedImageAreRefused() {
    var plane = Cluster.withoutMutatingAdmissionPolicy();
    var client = plane.client();
    assertThat(ControlPlane.servesMutatingAdmissionPolicy(client)).isFalse();
    var ns = newNamespace(client, "admission-no-map");
    try {
      // No finalizer at create here: the operator PATCHes it in.
      assertThat(client.resource(Scenario.migrationFor(ns)).create().getMetadata().getFinalizers())
          .isNullOrEmpty();

      assertThat(awaitRefused(client, pod(ns, "first", MIGRATED))).contains(REFUSAL);

      writeMigrated(client, ns, MIGRATED);

      var migrated = awaitAdmitted(client, pod(ns, "migrated", MIGRATED), p -> true);
      assertThat(migrated.getSpec().getSchedulingGates()).isEmpty();
      assertThat(migrated.getMetadata().getLabels()).doesNotContainKey(PodGate.HELD_BY);
      assertThat(refused(client, pod(ns, "unmigrated", NEW))).contains(REFUSAL);
      // A pod that carries the gate already cannot start until it is removed: it is let through,
      // as the mutating policy's pods are where that policy is served.
      var gated =
          create(
              client,
              new PodBuilder(pod(ns, "gated", NEW))
                  .editSpec()
                  .addNewSchedulingGate(PodGate.GATE)
                  .endSpec()
                  .build());
      assertThat(gated.getMetadata().getUid()).isNotBlank();

      // Every kind of workload the SchemaMigration names, each named in its refusal.
      var withWorkloads = appWithWorkloads(ns);
      withWorkloads.getMetadata().setName("workloads");
      withWorkloads.getSpec().getTarget().setDeployment(null);
      withWorkloads.getSpec().getDatabase().getUrlSecretRef().setName("workloads-db");
      client.resource(withWorkloads).create();
      assertThat(awaitRefused(client, statefulSetPod(ns, "ledger", 0, NEW)))
          .contains(holdMessage("StatefulSet ledger", "workloads"));
      assertThat(refused(client, jobPod(ns, "nightly-29411520", NEW)))
          .contains(holdMessage("CronJob nightly", "workloads"));
      assertThat(refused(client, jobPod(ns, "backfill", NEW)))
          .contains(holdMessage("Job backfill", "workloads"));
      assertThat(refused(client, workerPod(ns, "w", NEW)))
          .contains(holdMessage("Deployment worker", "workloads"));
      writeMigrated(client, ns, "workloads", NEW);
      awaitAdmitted(client, statefulSetPod(ns, "ledger", 1, NEW), p -> true);
      for (var pod : List.of(jobPod(ns, "nightly-29411521", NEW), jobPod(ns, "backfill", NEW))) {
        assertThat(create(client, pod).getMetadata().getUid()).isNotBlank();
      }

      // Through a real Deployment: its ReplicaSet records the refusal, no pod exists.
      client.resource(Scenario.appDeployment(ns, APP, NEW, 2)).create();
      await()
          .atMost(Scenario.TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems())
                      .singleElement()
                      .satisfies(rs -> assertThat(failure(rs)).contains(REFUSAL)));
      assertThat(appPods(client, ns)).isEmpty();
    } finally {
      client.namespaces().withName(ns).delete();
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  static boolean held(Pod pod) {
    return Scenario.gated(pod)
        && APP.equals(
            Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.<String, String>of())
                .get(PodGate.HELD_BY));
  }

  /** What the operator writes once the Job for {@code image} has succeeded. */
  static void writeMigrated(KubernetesClient client, String ns, String image) {
    writeMigrated(client, ns, APP, image);
  }

  static void writeMigrated(KubernetesClient client, String ns, String name, String image) {
    var status = new SchemaMigrationStatus();
    status.setObservedGeneration(1L);
    status.setRevision("5c1f0a9e2b");
    status.setAppliedRevision("5c1f0a9e2b");
    status.setImage(image);
    status.setMigrated(List.of(new MigratedImage(image, "5c1f0a9e2b")));
    client
        .resources(SchemaMigration.class)
        .inNamespace(ns)
        .withName(name)
        .editStatus(
            m -> {
              m.setStatus(status);
              return m;
            });
  }

  /**
   * Waits until a dry-run create of {@code pod} is admitted as {@code expected} says (the policies
   * have caught up), then creates it and returns the pod the API server stored.
   */
  static Pod awaitAdmitted(KubernetesClient client, Pod pod, Predicate<Pod> expected) {
    await()
        .atMost(POLICY_SEES_IT)
        .ignoreException(KubernetesClientException.class)
        .until(() -> client.resource(pod).dryRun().create(), expected);
    var created = create(client, pod);
    assertThat(created).matches(expected, "admitted as the dry run was");
    return created;
  }

  /** Waits until a dry-run create of {@code pod} is refused, and returns the refusal. */
  static String awaitRefused(KubernetesClient client, Pod pod) {
    return awaitRefused(client, pod, Set.of(403));
  }

  /** As {@link #awaitRefused(KubernetesClient, Pod)}, with the refusal in one of {@code codes}. */
  static String awaitRefused(KubernetesClient client, Pod pod, Set<Integer> codes) {
    return await()
        .atMost(POLICY_SEES_IT)
        .until(() -> refusal(client, pod, true, codes), Objects::nonNull);
  }

  /** Creates {@code pod}, which must be refused, and returns the refusal. */
  static String refused(KubernetesClient client, Pod pod) {
    var refusal = refusal(client, pod, false);
    if (refusal == null) {
      throw new AssertionError("pod " + pod.getMetadata().getName() + " was admitted");
    }
    return refusal;
  }

  /** The API server's 403 message, or null when it admitted (and, unless dry run, stored) it. */
  static String refusal(KubernetesClient client, Pod pod, boolean dryRun) {
    return refusal(client, pod, dryRun, Set.of(403));
  }

  private static String refusal(
      KubernetesClient client, Pod pod, boolean dryRun, Set<Integer> codes) {
    try {
      if (dryRun) {
        client.resource(pod).dryRun().create();
      } else {
        client.resource(pod).create();
      }
      return null;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isIn(codes);
      return e.getMessage();
    }
  }

  static Pod create(KubernetesClient client, Pod pod) {
    return client.resource(pod).create();
  }

  /** A pod of the target Deployment's ReplicaSet, as the ReplicaSet controller would make it. */
  static Pod pod(String namespace, String suffix, String image) {
    return pod(namespace, suffix, app(image));
  }

  static Pod pod(String namespace, String suffix, Container... containers) {
    return pod(
        namespace, APP + "-" + HASH + "-" + suffix, APP + "-" + HASH, HASH, List.of(containers));
  }

  static Pod pod(
      String namespace, String name, String replicaSet, String hash, List<Container> containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("pod-template-hash", hash)
        .addToLabels("app.kubernetes.io/name", APP)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(replicaSet)
        .withUid("00000000-0000-0000-0000-000000000001")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .endSpec()
        .build();
  }

  static String holdMessage(String workload, String migration) {
    return "SchemaGate holds this image of %s until its migration has succeeded (kubectl get schemamigration %s)"
        .formatted(workload, migration);
  }

  /**
   * The app's SchemaMigration, gating besides its Deployment a worker Deployment (app container
   * "api"), the StatefulSet ledger, the CronJob nightly and the Job backfill.
   */
  static SchemaMigration appWithWorkloads(String ns) {
    var migration = Scenario.migrationFor(ns);
    var worker = new Workload(WorkloadKind.Deployment, "worker");
    worker.setContainer("api");
    migration
        .getSpec()
        .getTarget()
        .setWorkloads(
            List.of(
                worker,
                new Workload(WorkloadKind.StatefulSet, "ledger"),
                new Workload(WorkloadKind.CronJob, "nightly"),
                new Workload(WorkloadKind.Job, "backfill")));
    return migration;
  }

  /** A pod of each workload of {@link #appWithWorkloads} but the app's own. */
  static List<Pod> workloadPods(String ns, String suffix, String image) {
    return List.of(
        workerPod(ns, suffix, image),
        statefulSetPod(ns, "ledger", suffix.hashCode() & 0xff, image),
        jobPod(ns, "nightly-" + (29411520 + (suffix.hashCode() & 0xff)), image),
        withName(jobPod(ns, "backfill", image), "backfill-" + suffix));
  }

  static Pod workerPod(String ns, String suffix, String image) {
    return pod(
        ns,
        "worker-" + HASH + "-" + suffix,
        "worker-" + HASH,
        HASH,
        List.of(container("proxy", "proxy:1"), container("api", image)));
  }

  /** As the StatefulSet controller makes it: named by ordinal, with both of its labels. */
  static Pod statefulSetPod(String ns, String set, int ordinal, String image) {
    var name = set + "-" + ordinal;
    return owned(
        ns,
        name,
        Map.of(
            "controller-revision-hash",
            set + "-6d4b9c7f8",
            "statefulset.kubernetes.io/pod-name",
            name,
            "apps.kubernetes.io/pod-index",
            Integer.toString(ordinal)),
        "apps/v1",
        "StatefulSet",
        set,
        image);
  }

  /** As a DaemonSet's: controller-revision-hash as a StatefulSet's pods have it, no pod-name. */
  static Pod daemonSetPod(String ns, String set, String image) {
    return owned(
        ns,
        set + "-x9v4q",
        Map.of("controller-revision-hash", "7f6b5c9d8", "pod-template-generation", "1"),
        "apps/v1",
        "DaemonSet",
        set,
        image);
  }

  /** As the Job controller makes it: the labels the API server put in its Job's template. */
  static Pod jobPod(String ns, String job, String image) {
    return owned(
        ns,
        job + "-" + Math.abs(job.hashCode() % 100000),
        Map.of(
            "batch.kubernetes.io/job-name",
            job,
            "job-name",
            job,
            "batch.kubernetes.io/controller-uid",
            "00000000-0000-0000-0000-000000000002"),
        "batch/v1",
        "Job",
        job,
        image);
  }

  /** SchemaGate's migration pod: a Job's, with the revision label of the operator's Jobs. */
  static Pod migrationPod(String ns, String job, String image) {
    var pod = jobPod(ns, job, image);
    pod.getMetadata().getLabels().put("schemagate.dev/revision", "1234567890");
    return pod;
  }

  static Pod barePod(String ns, String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .addToContainers(app(image))
        .endSpec()
        .build();
  }

  static Pod withName(Pod pod, String name) {
    return new PodBuilder(pod).editMetadata().withName(name).endMetadata().build();
  }

  private static Pod owned(
      String ns,
      String name,
      Map<String, String> labels,
      String apiVersion,
      String kind,
      String owner,
      String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels(new HashMap<>(labels))
        .addNewOwnerReference()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(owner)
        .withUid("00000000-0000-0000-0000-000000000003")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addToContainers(app(image))
        .endSpec()
        .build();
  }

  static Container app(String image) {
    return container("app", image);
  }

  static Container container(String name, String image) {
    return new ContainerBuilder().withName(name).withImage(image).build();
  }

  /** The pods of the Deployment {@link #APP} (not the hand-made ones, whose owner is fake). */
  static List<Pod> appPods(KubernetesClient client, String ns) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/name", APP)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getGenerateName() != null)
        .toList();
  }

  static String newNamespace(KubernetesClient client, String prefix) {
    var name = prefix + "-" + System.nanoTime() % 100000;
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  static String failure(ReplicaSet rs) {
    if (rs.getStatus() == null || rs.getStatus().getConditions() == null) {
      return "";
    }
    return rs.getStatus().getConditions().stream()
        .filter(c -> "ReplicaFailure".equals(c.getType()))
        .map(c -> c.getMessage())
        .findFirst()
        .orElse("");
  }
}
