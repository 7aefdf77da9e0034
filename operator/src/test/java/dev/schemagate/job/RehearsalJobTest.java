package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.Fixtures;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RehearsalJobTest {
  static final String APP = "registry.example.com/basketball-api:1.8";

  @Test
  void theRehearsalIsTheProductionPodRunningRehearseOnce() {
    var migration = Fixtures.flywayMigration();
    var production =
        MigrationJob.build(migration, "5c1f0a9e2b", APP, "schemagate:0.1.0", Optional.empty());
    var rehearsal =
        RehearsalJob.build(
            migration, "5c1f0a9e2b", APP, "schemagate:0.1.0", Optional.empty(), null);

    assertThat(rehearsal.getMetadata().getName()).isEqualTo("basketball-api-rehearse-5c1f0a9e2b");
    assertThat(rehearsal.getMetadata().getLabels())
        .containsAllEntriesOf(production.getMetadata().getLabels())
        .containsEntry(RehearsalJob.ROLE_LABEL, RehearsalJob.ROLE);
    assertThat(rehearsal.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(RehearsalJob.ROLE_LABEL, RehearsalJob.ROLE);
    assertThat(rehearsal.getSpec().getBackoffLimit()).isZero();
    var container = rehearsal.getSpec().getTemplate().getSpec().getContainers().get(0);
    var productionContainer = production.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getName()).isEqualTo(RehearsalJob.CONTAINER);
    assertThat(container.getImage()).isEqualTo(productionContainer.getImage());
    assertThat(container.getEnv()).isEqualTo(productionContainer.getEnv());
    assertThat(container.getVolumeMounts()).isEqualTo(productionContainer.getVolumeMounts());
    assertThat(container.getArgs())
        .containsExactly(
            "rehearse",
            "--dir",
            "/migrations",
            "--revision",
            "5c1f0a9e2b",
            "--idempotency",
            "warn",
            "--allow-destructive");
    assertThat(rehearsal.getSpec().getTemplate().getSpec().getVolumes())
        .isEqualTo(production.getSpec().getTemplate().getSpec().getVolumes());
  }

  @Test
  void aLongNameIsCutToFitAJobName() {
    var name = RehearsalJob.name("a".repeat(52), "5c1f0a9e2b");

    assertThat(name).hasSize(63).endsWith("-rehearse-5c1f0a9e2b");
  }
}
