package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import dev.schemagate.api.SchemaMigration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetClaimTest {
  static SchemaMigration migration(String name, String created, String deployment) {
    var m = Fixtures.flywayMigration();
    m.getMetadata().setName(name);
    m.getMetadata().setCreationTimestamp(created);
    m.getSpec().getTarget().setDeployment(deployment);
    return m;
  }

  final SchemaMigration first = migration("b-first", "2026-12-01T10:00:00Z", "api");
  final SchemaMigration second = migration("a-second", "2026-12-01T10:00:05Z", "api");

  @Test
  void aloneItGatesItsDeployment() {
    assertThat(TargetClaim.heldByOther(first, List.of(first))).isEmpty();
    assertThat(TargetClaim.heldByOther(first, List.of())).isEmpty();
  }

  @Test
  void theOldestKeepsTheGate() {
    assertThat(TargetClaim.heldByOther(second, List.of(first, second))).contains("b-first");
    assertThat(TargetClaim.heldByOther(first, List.of(second, first))).isEmpty();
  }

  @Test
  void createdInTheSameSecondTheNameDecides() {
    var twin = migration("a-twin", "2026-12-01T10:00:00Z", "api");
    assertThat(TargetClaim.heldByOther(first, List.of(first, twin))).contains("a-twin");
    assertThat(TargetClaim.heldByOther(twin, List.of(first, twin))).isEmpty();
  }

  @Test
  void otherDeploymentsAndNamespacesDoNotCount() {
    var elsewhere = migration("a-other", "2026-12-01T09:00:00Z", "worker");
    var otherNamespace = migration("a-ns", "2026-12-01T09:00:00Z", "api");
    otherNamespace.getMetadata().setNamespace("elsewhere");
    assertThat(TargetClaim.heldByOther(second, List.of(elsewhere, otherNamespace, second)))
        .isEmpty();
  }
}
