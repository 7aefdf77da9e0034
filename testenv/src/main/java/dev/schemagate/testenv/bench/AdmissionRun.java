package dev.schemagate.testenv.bench;

import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.ArrayList;

/**
 * What the pod admission policies cost the API server per pod create. Every SchemaMigration of a
 * pod's namespace is a param of the policies, so each pod of a Deployment created there is
 * evaluated against each. The pods here belong to a ReplicaSet that no SchemaMigration targets (as
 * most pods of a namespace do: only the target's pass the policies' first test), and are created in
 * a namespace of the population (N / --namespaces SchemaMigrations) and in one without any; with no
 * operator running, so the API server's CPU is theirs.
 */
final class AdmissionRun {
  static final int PODS = 100;

  private AdmissionRun() {}

  static void run(BenchCluster cluster, Options options) throws Exception {
    var empty = "bench-admission";
    cluster.createNamespace(empty);
    var without = measure(cluster, empty);
    var with = measure(cluster, App.namespace(0));
    put(
        "admission_schemamigrations_per_namespace",
        Integer.toString(options.migrations() / options.namespaces()));
    put(
        "admission_apiserver_cpu_ms_per_pod",
        "%.1f (%.1f without SchemaMigrations in the namespace)"
            .formatted(with.apiserverCpuMs(), without.apiserverCpuMs()));
    put(
        "admission_policy_ms_per_pod",
        "%.2f (%.2f without)".formatted(with.admissionMs(), without.admissionMs()));
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
