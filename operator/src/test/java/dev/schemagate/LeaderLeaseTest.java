package dev.schemagate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LeaderLeaseTest {
  private static final ZonedDateTime ACQUIRED =
      ZonedDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.UTC);
  private static final ZonedDateTime NOW = ACQUIRED.plusMinutes(5);

  private static Lease heldBy(String holder) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(SchemaGateOperator.LEASE_NAME)
        .withNamespace("schemagate")
        .withResourceVersion("42")
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder)
        .withLeaseDurationSeconds(15)
        .withAcquireTime(ACQUIRED)
        .withRenewTime(NOW.minusSeconds(1))
        .withLeaseTransitions(3)
        .endSpec()
        .build();
  }

  @Test
  void theHolderReleasesItForTheNextCandidateAtOnce() {
    var released = LeaderLease.released(heldBy("a_1"), "a_1", NOW).orElseThrow();

    assertThat(released.getSpec().getHolderIdentity()).isEmpty();
    assertThat(released.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
    assertThat(released.getSpec().getRenewTime()).isEqualTo(NOW);
    assertThat(released.getSpec().getAcquireTime()).isEqualTo(NOW);
    assertThat(released.getSpec().getLeaseTransitions()).isEqualTo(3);
    // The update is conditional on the version read: a Lease taken over meanwhile answers 409.
    assertThat(released.getMetadata().getResourceVersion()).isEqualTo("42");
  }

  @Test
  void aLeaseHeldByAnotherProcessIsLeftAlone() {
    assertThat(LeaderLease.released(heldBy("b_2"), "a_1", NOW)).isEmpty();
  }

  @Test
  void aLeaseAlreadyReleasedOrMissingIsLeftAlone() {
    assertThat(LeaderLease.released(heldBy(""), "a_1", NOW)).isEmpty();
    assertThat(LeaderLease.released(new Lease(), "a_1", NOW)).isEmpty();
    assertThat(LeaderLease.released(null, "a_1", NOW)).isEmpty();
  }

  @Test
  void theIdentityIsThePodsNameElseRandom() {
    assertThat(LeaderLease.identity("schemagate-7d9f-x2x")).isEqualTo("schemagate-7d9f-x2x");
    assertThat(LeaderLease.identity(null))
        .matches("[0-9a-f-]{36}")
        .isNotEqualTo(LeaderLease.identity(null));
    assertThat(LeaderLease.identity(" ")).matches("[0-9a-f-]{36}");
  }
}
