package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.TargetDeployment;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.gate.WorkloadRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Optional;

/**
 * The target's workloads as they are: Deployments, StatefulSets and CronJobs from their caches, a
 * named Job by one GET. A Job is not cached: an informer of every Job of the namespace would keep
 * each one's pod template for the few SchemaMigrations that name a Job (seldom: a Job runs once),
 * where a GET per reconcile of those few costs no memory. Its held pods still reach the operator
 * through the held-pods informer.
 */
final class TargetWorkloads {
  private TargetWorkloads() {}

  /** Those that exist, in the target's order. */
  static List<TargetWorkload> read(SchemaMigration migration, Context<SchemaMigration> context) {
    return WorkloadRef.all(migration.getSpec().getTarget()).stream()
        .flatMap(ref -> read(ref, migration.getMetadata().getNamespace(), context).stream())
        .toList();
  }

  private static Optional<TargetWorkload> read(
      WorkloadRef ref, String namespace, Context<SchemaMigration> context) {
    return switch (ref.kind()) {
      case Deployment ->
          cached(context, Deployment.class, ref)
              .map(
                  d -> TargetWorkload.of(TargetDeployment.of(d, ref.container()), ref.container()));
      case StatefulSet ->
          cached(context, StatefulSet.class, ref).map(s -> TargetWorkload.of(s, ref.container()));
      case CronJob ->
          cached(context, CronJob.class, ref).map(c -> TargetWorkload.of(c, ref.container()));
      case Job ->
          Optional.ofNullable(
                  context
                      .getClient()
                      .batch()
                      .v1()
                      .jobs()
                      .inNamespace(namespace)
                      .withName(ref.name())
                      .get())
              .map(j -> TargetWorkload.of(j, ref.container()));
    };
  }

  /** The cached Deployment of this name, for what the gate does to it (strays, nudges). */
  static Optional<Deployment> deployment(Context<SchemaMigration> context, String name) {
    return context
        .getSecondaryResourcesAsStream(Deployment.class)
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst();
  }

  private static <R extends HasMetadata> Optional<R> cached(
      Context<SchemaMigration> context, Class<R> kind, WorkloadRef ref) {
    return context
        .getSecondaryResourcesAsStream(kind)
        .filter(r -> r.getMetadata().getName().equals(ref.name()))
        .findFirst();
  }

  /**
   * The workload's pod template as it is now, for the Job about to be derived from it: one GET, not
   * a cache of every template (the informers keep only its containers' names and images).
   */
  static Optional<PodTemplateSpec> podTemplate(
      KubernetesClient client, String namespace, WorkloadRef ref) {
    return switch (ref.kind()) {
      case Deployment ->
          Optional.ofNullable(
                  client.apps().deployments().inNamespace(namespace).withName(ref.name()).get())
              .map(d -> d.getSpec().getTemplate());
      case StatefulSet ->
          Optional.ofNullable(
                  client.apps().statefulSets().inNamespace(namespace).withName(ref.name()).get())
              .map(s -> s.getSpec().getTemplate());
      case CronJob ->
          Optional.ofNullable(
                  client.batch().v1().cronjobs().inNamespace(namespace).withName(ref.name()).get())
              .map(c -> c.getSpec().getJobTemplate().getSpec().getTemplate());
      case Job ->
          Optional.ofNullable(
                  client.batch().v1().jobs().inNamespace(namespace).withName(ref.name()).get())
              .map(j -> j.getSpec().getTemplate());
    };
  }
}
