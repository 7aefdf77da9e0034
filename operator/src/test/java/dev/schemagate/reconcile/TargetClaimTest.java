package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SecretKeyRef;
import dev.schemagate.api.Workload;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.WorkloadRef;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetClaimTest {
  static SchemaMigration migration(String name, String created, String deployment) {
    var m = Fixtures.flywayMigration();
    m.getMetadata().setName(name);
    m.getMetadata().setCreationTimestamp(created);
    m.getSpec().getTarget().setDeployment(deployment);
    // A database of its own: only the workload is shared unless a test says otherwise.
    m.getSpec().getDatabase().setUrlSecretRef(new SecretKeyRef(name + "-db", "url"));
    return m;
  }

  static Optional<String> heldBy(SchemaMigration m, List<SchemaMigration> candidates) {
    return TargetClaim.claimedBy(m, candidates).map(TargetClaim.Claim::other);
  }

  final SchemaMigration first = migration("b-first", "2026-12-01T10:00:00Z", "api");
  final SchemaMigration second = migration("a-second", "2026-12-01T10:00:05Z", "api");

  @Test
  void aloneItGatesItsDeployment() {
    assertThat(heldBy(first, List.of(first))).isEmpty();
    assertThat(heldBy(first, List.of())).isEmpty();
  }

  @Test
  void theOldestKeepsTheGate() {
    assertThat(TargetClaim.claimedBy(second, List.of(first, second)))
        .contains(
            new TargetClaim.Claim(
                "b-first", Optional.of(new WorkloadRef(WorkloadKind.Deployment, "api", null))));
    assertThat(heldBy(first, List.of(second, first))).isEmpty();
  }

  @Test
  void createdInTheSameSecondTheNameDecides() {
    var twin = migration("a-twin", "2026-12-01T10:00:00Z", "api");
    assertThat(heldBy(first, List.of(first, twin))).contains("a-twin");
    assertThat(heldBy(twin, List.of(first, twin))).isEmpty();
  }

  @Test
  void otherDeploymentsAndNamespacesDoNotCount() {
    var elsewhere = migration("a-other", "2026-12-01T09:00:00Z", "worker");
    var otherNamespace = migration("a-ns", "2026-12-01T09:00:00Z", "api");
    otherNamespace.getMetadata().setNamespace("elsewhere");
    assertThat(heldBy(second, List.of(elsewhere, otherNamespace, second))).isEmpty();
  }

  @Test
  void aWorkloadOfTheListCountsAsMuchAsTheDeployment() {
    var worker = migration("a-worker", "2026-12-01T10:00:05Z", null);
    worker
        .getSpec()
        .getTarget()
        .setWorkloads(List.of(new Workload(WorkloadKind.CronJob, "nightly")));
    first
        .getSpec()
        .getTarget()
        .setWorkloads(List.of(new Workload(WorkloadKind.CronJob, "nightly")));
    assertThat(TargetClaim.claimedBy(worker, List.of(first, worker)))
        .contains(
            new TargetClaim.Claim(
                "b-first", Optional.of(new WorkloadRef(WorkloadKind.CronJob, "nightly", null))));
    // The same name of another kind is another workload.
    worker.getSpec().getTarget().setWorkloads(List.of(new Workload(WorkloadKind.Job, "nightly")));
    assertThat(heldBy(worker, List.of(first, worker))).isEmpty();
  }

  @Test
  void theSameDatabaseSecretAndKeyIsClaimedByTheOldest() {
    var worker = migration("a-worker", "2026-12-01T10:00:05Z", "worker");
    worker.getSpec().getDatabase().setUrlSecretRef(new SecretKeyRef("b-first-db", "url"));
    assertThat(TargetClaim.claimedBy(worker, List.of(first, worker)))
        .contains(new TargetClaim.Claim("b-first", Optional.empty()));
    assertThat(heldBy(first, List.of(first, worker))).isEmpty();
    // Another key of the same Secret is another database.
    worker.getSpec().getDatabase().setUrlSecretRef(new SecretKeyRef("b-first-db", "replica"));
    assertThat(heldBy(worker, List.of(first, worker))).isEmpty();
  }
}
