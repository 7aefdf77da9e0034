package dev.schemagate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.WorkloadKind;
import dev.schemagate.job.MigrationJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pod to workload, by owner reference: the same rules as the chart's admission policies. */
class PodOwnerTest {
  static final List<WorkloadRef> TARGET =
      List.of(
          new WorkloadRef(WorkloadKind.Deployment, "web", null),
          new WorkloadRef(WorkloadKind.StatefulSet, "cache", null),
          new WorkloadRef(WorkloadKind.CronJob, "nightly", null),
          new WorkloadRef(WorkloadKind.Job, "seed", null));

  static Pod pod(String ownerKind, String ownerName, String hash) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withLabels(hash.isEmpty() ? Map.of() : Map.of("pod-template-hash", hash))
        .addNewOwnerReference()
        .withKind(ownerKind)
        .withName(ownerName)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  @ParameterizedTest
  @CsvSource({
    "ReplicaSet, web-5d8f7c9b4, 5d8f7c9b4, Deployment web",
    "ReplicaSet, web-5d8f7c9b4, 7777777, ''",
    "ReplicaSet, web-worker-5d8f7c9b4, 5d8f7c9b4, ''",
    "StatefulSet, cache, '', StatefulSet cache",
    "StatefulSet, web, '', ''",
    "Job, nightly-29412000, '', CronJob nightly",
    "Job, nightly-report-29412000, '', ''",
    "Job, nightly-, '', ''",
    "Job, seed, '', Job seed",
    "Job, seed-29412000, '', ''",
  })
  void aPodBelongsToTheWorkloadItsOwnerNames(
      String ownerKind, String ownerName, String hash, String workload) {
    assertThat(PodOwner.of(pod(ownerKind, ownerName, hash), TARGET).map(WorkloadRef::toString))
        .isEqualTo(
            workload.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(workload));
  }

  @Test
  void aMigrationPodNamedLikeACronJobRunIsNobodys() {
    var pod = pod("Job", "nightly-2941200012", "");
    assertThat(PodOwner.of(pod, TARGET)).isPresent();
    pod.getMetadata().setLabels(Map.of(MigrationJob.REVISION_LABEL, "2941200012"));
    assertThat(PodOwner.of(pod, TARGET)).isEmpty();
  }
}
