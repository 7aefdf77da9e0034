package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gate itself, against a real kube-apiserver and kube-controller-manager. */
@ExtendWith(Scenario.PerTest.class)
class GateIT {
  @Test
  void holdsTheDeploymentUntilTheJobSucceedsThenReleasesIt(Scenario s) {
    s.startOperator();
    s.createDeployment();
    s.putMigrations(Map.of("V1__init.sql", "create table t(id int);"));
    s.createMigration(3);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(s.jobs()).hasSize(1);
              assertThat(s.replicas()).isZero();
            });
    var job = s.jobs().get(0);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !s.pods(job.getMetadata().getName()).isEmpty());
    assertThat(s.migration().getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Reconciling");
              assertThat(c.getStatus()).isEqualTo("True");
            });

    s.finishPod(s.pods(job.getMetadata().getName()).get(0), 0, null);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(s.replicas()).isEqualTo(3));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(s.migration().getStatus().getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Ready");
                          assertThat(c.getStatus()).isEqualTo("True");
                        }));
  }
}
