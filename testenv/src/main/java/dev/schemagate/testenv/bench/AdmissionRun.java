package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.ControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * What the pod admission policies cost the API server per pod create. Every SchemaMigration of a
 * pod's namespace is a param of the policies, so each pod of a Deployment created there is
 * evaluated against each. The pods here belong to a ReplicaSet that no SchemaMigration targets (as
 * most pods of a namespace do: only the target's pass the policies' first test), and are created in
 * a namespace of the population (N / --namespaces SchemaMigrations) and in one without any; with no
 * operator running, so the API server's CPU is theirs. --admission-rounds repeats both, and the
 * figures are the rounds' medians.
 */
final class AdmissionRun {
  static final int PODS = 100;

  private AdmissionRun() {}

  /**
   * --admission-only: the population (N SchemaMigrations with their ConfigMaps and Deployments, in
   * --namespaces), with no operator; settled once the controller-manager has made every
   * Deployment's ReplicaSet and its (held) pods.
   */
  static void population(BenchCluster cluster, Options options) throws Exception {
    for (int n = 0; n < options.namespaces(); n++) {
      cluster.createNamespace(App.namespace(n));
    }
    var apps = App.population(0, options.migrations(), options.namespaces());
    progress("creating " + apps.size() + " apps in " + options.namespaces() + " namespaces");
    cluster.create(apps);
    BenchCluster.await(
        "ReplicaSets of every Deployment",
        Duration.ofMinutes(5),
        () ->
            cluster.client.apps().replicaSets().inAnyNamespace().list().getItems().size()
                >= apps.size());
    Thread.sleep(5000);
  }

  static void run(BenchCluster cluster, Options options) throws Exception {
    if (options.admissionBaseline() != null) {
      compare(cluster, options, options.admissionBaseline());
      return;
    }
    var empty = "bench-admission";
    cluster.createNamespace(empty);
    var without = new ArrayList<Cost>();
    var with = new ArrayList<Cost>();
    for (int round = 0; round < options.admissionRounds(); round++) {
      without.add(measure(cluster, empty));
      with.add(measure(cluster, App.namespace(0)));
    }
    put(
        "admission_schemamigrations_per_namespace",
        Integer.toString(options.migrations() / options.namespaces()));
    put(
        "admission_apiserver_cpu_ms_per_pod",
        "%.1f (%.1f without SchemaMigrations in the namespace)"
            .formatted(median(with, Cost::apiserverCpuMs), median(without, Cost::apiserverCpuMs)));
    put(
        "admission_policy_ms_per_pod",
        "%.2f (%.2f without)"
            .formatted(median(with, Cost::admissionMs), median(without, Cost::admissionMs)));
    if (with.size() > 1) {
      // Each round's figures, for the spread behind the medians above.
      put("admission_rounds", Integer.toString(with.size()));
      put("admission_apiserver_cpu_ms_per_pod_rounds", rounds(with, Cost::apiserverCpuMs, "%.1f"));
      put("admission_policy_ms_per_pod_rounds", rounds(with, Cost::admissionMs, "%.2f"));
      put(
          "admission_apiserver_cpu_ms_per_pod_without_rounds",
          rounds(without, Cost::apiserverCpuMs, "%.1f"));
    }
  }

  /**
   * --admission-baseline: the same load under another chart's pod policies and under this
   * checkout's, on one control plane, the two alternating round by round (ABBA) so that what else
   * runs on the machine, and any drift, falls on both alike.
   */
  private static void compare(BenchCluster cluster, Options options, Path baselineChart)
      throws Exception {
    var current =
        ControlPlane.renderPodAdmissionPolicy(
            Binaries.repoRoot().resolve("charts/schemagate"), true);
    var baseline = ControlPlane.renderPodAdmissionPolicy(baselineChart, true);
    var ofBaseline = new ArrayList<Cost>();
    var ofCurrent = new ArrayList<Cost>();
    var installed = current;
    for (int round = 0; round < options.admissionRounds(); round++) {
      for (var policies :
          round % 2 == 0 ? List.of(baseline, current) : List.of(current, baseline)) {
        if (!policies.equals(installed)) {
          replace(cluster, installed, policies);
          installed = policies;
        }
        var cost = measure(cluster, App.namespace(0));
        (policies.equals(baseline) ? ofBaseline : ofCurrent).add(cost);
      }
    }
    replace(cluster, installed, current);
    put("admission_baseline_chart", baselineChart.toString());
    put(
        "admission_schemamigrations_per_namespace",
        Integer.toString(options.migrations() / options.namespaces()));
    put("admission_rounds", Integer.toString(options.admissionRounds()));
    var before = median(ofBaseline, Cost::apiserverCpuMs);
    var after = median(ofCurrent, Cost::apiserverCpuMs);
    put(
        "admission_apiserver_cpu_ms_per_pod",
        "%.1f (baseline %.1f, %+.1f %%)".formatted(after, before, (after - before) * 100 / before));
    put(
        "admission_apiserver_cpu_ms_per_pod_rounds",
        rounds(ofCurrent, Cost::apiserverCpuMs, "%.1f"));
    put(
        "admission_baseline_apiserver_cpu_ms_per_pod_rounds",
        rounds(ofBaseline, Cost::apiserverCpuMs, "%.1f"));
    put(
        "admission_policy_ms_per_pod",
        "%.2f (baseline %.2f)"
            .formatted(
                median(ofCurrent, Cost::admissionMs), median(ofBaseline, Cost::admissionMs)));
  }

  /** Deletes one rendering of the pod policies and applies another, then lets the API see it. */
  private static void replace(BenchCluster cluster, String installed, String policies)
      throws InterruptedException {
    cluster.client.load(stream(installed)).delete();
    cluster.client.load(stream(policies)).serverSideApply();
    // The API server's policy informers follow within about a second; then the policies must
    // hold a pod of a target (no operator runs: nothing is migrated), or the figures measure none.
    Thread.sleep(3000);
    var target = App.population(0, 1, 1).get(0).name();
    var probe =
        new PodBuilder()
            .withNewMetadata()
            .withName("bench-admission-probe")
            .withNamespace(App.namespace(0))
            .addToLabels("pod-template-hash", "0")
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName(target + "-0")
            .withUid("00000000-0000-0000-0000-000000000001")
            .endOwnerReference()
            .endMetadata()
            .withSpec(APP_POD)
            .build();
    BenchCluster.await(
        "the policies to hold a pod of " + target,
        Duration.ofSeconds(30),
        Duration.ofMillis(200),
        () -> {
          var gates =
              cluster.client.resource(probe).dryRun().create().getSpec().getSchedulingGates();
          return gates != null && !gates.isEmpty();
        });
  }

  private static ByteArrayInputStream stream(String yaml) {
    return new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static double median(List<Cost> costs, ToDoubleFunction<Cost> figure) {
    var sorted = costs.stream().mapToDouble(figure).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String rounds(List<Cost> costs, ToDoubleFunction<Cost> figure, String format) {
    return costs.stream()
        .map(c -> format.formatted(figure.applyAsDouble(c)))
        .collect(Collectors.joining(" "));
  }

  /** Per pod created: the API server's CPU and its admission policies' time, in ms. */
  record Cost(double apiserverCpuMs, double admissionMs) {}

  private static Cost measure(BenchCluster cluster, String namespace) throws Exception {
    progress("admission: " + PODS + " pods in " + namespace);
    var owner = cluster.client.resource(replicaSet(namespace)).create();
    var pods = new ArrayList<HasMetadata>();
    for (int i = 0; i < PODS; i++) {
      pods.add(pod(owner, i));
    }
    var cpu = apiserverCpuSeconds();
    var admission = cluster.admissionPolicySeconds();
    cluster.createAll(pods);
    var cost =
        new Cost(
            (apiserverCpuSeconds() - cpu) * 1000 / PODS,
            (cluster.admissionPolicySeconds() - admission) * 1000 / PODS);
    cluster.client.pods().inNamespace(namespace).withLabel(LABEL).withGracePeriod(0).delete();
    cluster.client.resource(owner).delete();
    return cost;
  }

  private static final String LABEL = "bench-admission";

  private static final PodSpec APP_POD =
      new PodSpecBuilder()
          .addNewContainer()
          .withName(App.CONTAINER)
          .withImage(App.IMAGE)
          .endContainer()
          .build();

  /** Never makes a pod: no replicas, and a selector its pods (not its to claim) do not match. */
  private static ReplicaSet replicaSet(String namespace) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("bench-admission-0")
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withReplicas(0)
        .withNewSelector()
        .addToMatchLabels("bench-admission-replicaset", "none")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("bench-admission-replicaset", "none")
        .endMetadata()
        .withSpec(APP_POD)
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A pod as a Deployment's ReplicaSet makes it (the label pod-template-hash, a ReplicaSet owner),
   * the owner not its controller, so that neither the ReplicaSet controller nor the garbage
   * collector touches it.
   */
  private static HasMetadata pod(ReplicaSet owner, int i) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("bench-admission-" + i)
        .withNamespace(owner.getMetadata().getNamespace())
        .addToLabels("pod-template-hash", "0")
        .addToLabels(LABEL, "true")
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .endOwnerReference()
        .endMetadata()
        .withSpec(APP_POD)
        .build();
  }

  private static double apiserverCpuSeconds() {
    return Cpu.snapshot().seconds().getOrDefault("kube-apiserver", 0.0);
  }
}
