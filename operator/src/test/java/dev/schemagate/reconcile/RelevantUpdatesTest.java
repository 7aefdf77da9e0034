package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each controller's routine status writes are no event; each change a decision reads is one. */
class RelevantUpdatesTest {
  private static final String T1 = "2026-12-02T06:00:00Z";
  private static final String T2 = "2026-12-02T06:00:01Z";

  static SchemaMigration migration(UnaryOperator<ObjectMetaBuilder> meta, String condition) {
    var m = new SchemaMigration();
    m.setMetadata(
        meta.apply(
                new ObjectMetaBuilder()
                    .withName("app")
                    .withGeneration(1L)
                    .withFinalizers("schemamigrations.schemagate.dev/finalizer"))
            .build());
    var status = new SchemaMigrationStatus();
    status.setConditions(
        List.of(new ConditionBuilder().withType("Ready").withStatus(condition).build()));
    m.setStatus(status);
    return m;
  }

  @Test
  void aSchemaMigrationsStatusIsNoEventItsSpecAndMetadataAre() {
    var before = migration(m -> m, "False");

    assertThat(RelevantUpdates.schemaMigration(migration(m -> m, "True"), before)).isFalse();
    assertThat(
            RelevantUpdates.schemaMigration(
                migration(m -> m.withResourceVersion("7"), "True"), before))
        .isFalse();
    assertThat(
            RelevantUpdates.schemaMigration(migration(m -> m.withGeneration(2L), "False"), before))
        .isTrue();
    assertThat(
            RelevantUpdates.schemaMigration(
                migration(m -> m.addToAnnotations(SchemaMigration.RETRY_ANNOTATION, "1"), "False"),
                before))
        .isTrue();
    assertThat(
            RelevantUpdates.schemaMigration(
                migration(m -> m.withDeletionTimestamp(T2), "False"), before))
        .isTrue();
    assertThat(
            RelevantUpdates.schemaMigration(
                migration(m -> m.withFinalizers(List.of()), "False"), before))
        .isTrue();
  }

  static Deployment deployment() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("app")
        .withGeneration(2L)
        .endMetadata()
        .withNewStatus()
        .withReplicas(3)
        .withReadyReplicas(2)
        .withUpdatedReplicas(1)
        .withAvailableReplicas(2)
        .addNewCondition()
        .withType("Progressing")
        .withStatus("True")
        .withLastUpdateTime(T1)
        .endCondition()
        .endStatus()
        .build();
  }

  static boolean deploymentAfter(UnaryOperator<DeploymentBuilder> change) {
    return RelevantUpdates.deployment(
        change.apply(new DeploymentBuilder(deployment())).build(), deployment());
  }

  @Test
  void aDeploymentsRoutineStatusWritesAreNoEvent() {
    assertThat(deploymentAfter(d -> d.editStatus().withAvailableReplicas(3).endStatus())).isFalse();
    assertThat(deploymentAfter(d -> d.editStatus().withObservedGeneration(2L).endStatus()))
        .isFalse();
    assertThat(
            deploymentAfter(
                d ->
                    d.editStatus()
                        .editFirstCondition()
                        .withLastUpdateTime(T2)
                        .endCondition()
                        .endStatus()))
        .isFalse();
    assertThat(deploymentAfter(d -> d.editMetadata().withResourceVersion("9").endMetadata()))
        .isFalse();
  }

  @Test
  void whatTheDecisionReadsOfADeploymentIsAnEvent() {
    assertThat(deploymentAfter(d -> d.editMetadata().withGeneration(3L).endMetadata())).isTrue();
    assertThat(deploymentAfter(d -> d.editStatus().withReadyReplicas(3).endStatus())).isTrue();
    assertThat(deploymentAfter(d -> d.editStatus().withUpdatedReplicas(2).endStatus())).isTrue();
    assertThat(
            deploymentAfter(
                d ->
                    d.editStatus()
                        .addNewCondition()
                        .withType("ReplicaFailure")
                        .withStatus("True")
                        .withLastTransitionTime(T2)
                        .endCondition()
                        .endStatus()))
        .isTrue();
    assertThat(
            RelevantUpdates.deployment(
                deployment(), new DeploymentBuilder(deployment()).withStatus(null).build()))
        .isTrue();
  }

  static Job job() {
    return new JobBuilder()
        .withNewMetadata()
        .withName("app-abc")
        .addToLabels("app.kubernetes.io/managed-by", "schemagate")
        .endMetadata()
        .withNewStatus()
        .withStartTime(T1)
        .withActive(1)
        .endStatus()
        .build();
  }

  static boolean jobAfter(UnaryOperator<JobBuilder> change) {
    return RelevantUpdates.job(change.apply(new JobBuilder(job())).build(), job());
  }

  @Test
  void aJobsPodCountsAreNoEvent() {
    assertThat(jobAfter(j -> j.editStatus().withReady(1).endStatus())).isFalse();
    assertThat(
            jobAfter(
                j ->
                    j.editStatus()
                        .withActive(0)
                        .withNewUncountedTerminatedPods()
                        .addToSucceeded("uid")
                        .endUncountedTerminatedPods()
                        .endStatus()))
        .isFalse();
  }

  @Test
  void aJobsConditionsTimesAndLabelsAreEvents() {
    assertThat(
            jobAfter(
                j ->
                    j.editStatus()
                        .addNewCondition()
                        .withType("Complete")
                        .withStatus("True")
                        .withLastTransitionTime(T2)
                        .endCondition()
                        .withCompletionTime(T2)
                        .endStatus()))
        .isTrue();
    assertThat(
            jobAfter(
                j ->
                    j.editStatus()
                        .addNewCondition()
                        .withType("Failed")
                        .withStatus("True")
                        .withReason("DeadlineExceeded")
                        .endCondition()
                        .endStatus()))
        .isTrue();
    assertThat(jobAfter(j -> j.editMetadata().withLabels(null).endMetadata())).isTrue();
    assertThat(jobAfter(j -> j.editStatus().withStartTime(T2).endStatus())).isTrue();
  }

  static Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("app-abc-x")
        .addToLabels("app.kubernetes.io/instance", "app")
        .endMetadata()
        .withNewStatus()
        .withPhase("Pending")
        .addNewContainerStatus()
        .withName("migrate")
        .withState(
            new ContainerStateBuilder()
                .withNewWaiting()
                .withReason("ContainerCreating")
                .endWaiting()
                .build())
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static boolean podAfter(UnaryOperator<PodBuilder> change) {
    return RelevantUpdates.migrationPod(change.apply(new PodBuilder(pod())).build(), pod());
  }

  @Test
  void aMigrationPodsConditionsAndAddressesAreNoEvent() {
    assertThat(
            podAfter(
                p ->
                    p.editStatus()
                        .withPodIP("10.0.0.7")
                        .withHostIP("10.0.0.1")
                        .addNewCondition()
                        .withType("PodScheduled")
                        .withStatus("True")
                        .endCondition()
                        .endStatus()))
        .isFalse();
    assertThat(podAfter(p -> p.editSpec().withNodeName("node-1").endSpec())).isFalse();
  }

  @Test
  void aMigrationPodTheSchedulerCannotPlaceIsAnEvent() {
    UnaryOperator<PodBuilder> unschedulable =
        p ->
            p.editStatus()
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage(
                    "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.")
                .endCondition()
                .endStatus();
    assertThat(podAfter(unschedulable)).isTrue();
    assertThat(
            RelevantUpdates.migrationPod(pod(), unschedulable.apply(new PodBuilder(pod())).build()))
        .as("scheduled at last")
        .isTrue();
  }

  @Test
  void aMigrationPodsInitContainerStatesAreEvents() {
    assertThat(
            podAfter(
                p ->
                    p.editStatus()
                        .addNewInitContainerStatus()
                        .withName("cloud-sql-proxy")
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .endWaiting()
                        .endState()
                        .endInitContainerStatus()
                        .endStatus()))
        .isTrue();
  }

  @Test
  void aMigrationPodsPhaseStatesAndLabelsAreEvents() {
    assertThat(podAfter(p -> p.editStatus().withPhase("Running").endStatus())).isTrue();
    assertThat(
            podAfter(
                p ->
                    p.editStatus()
                        .editFirstContainerStatus()
                        .withState(
                            new ContainerStateBuilder()
                                .withNewTerminated()
                                .withExitCode(0)
                                .withFinishedAt(T2)
                                .endTerminated()
                                .build())
                        .endContainerStatus()
                        .endStatus()))
        .isTrue();
    assertThat(
            podAfter(
                p ->
                    p.editStatus()
                        .editFirstContainerStatus()
                        .withState(
                            new ContainerStateBuilder()
                                .withNewWaiting()
                                .withReason("CreateContainerConfigError")
                                .withMessage("secret \"app-db\" not found")
                                .endWaiting()
                                .build())
                        .endContainerStatus()
                        .endStatus()))
        .isTrue();
    assertThat(podAfter(p -> p.editMetadata().addToLabels("x", "y").endMetadata())).isTrue();
  }
}
