package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.Cluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The gate itself, against a real kube-apiserver and kube-controller-manager. */
class GateTest {
  Scenario scenario;

  Scenario scenario(TestInfo info) {
    scenario = new Scenario(Cluster.newNamespace(info.getTestMethod().orElseThrow().getName()));
    return scenario;
  }

  @AfterEach
  void stop() {
    if (scenario != null) {
      scenario.close();
    }
  }

  @Test
  void holdsTheDeploymentUntilTheJobSucceedsThenReleasesIt(TestInfo info) {
    var s = scenario(info).startOperator();
    s.createDeployment();
    s.putMigrations(Map.of("V1__init.sql", "create table t(id int);"));
    s.createMigration(3);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(s.jobs()).hasSize(1);
      assertThat(s.replicas()).isZero();
    });
    var job = s.jobs().get(0);
    await().atMost(Duration.ofSeconds(20)).until(() -> !s.pods(job.getMetadata().getName()).isEmpty());
    assertThat(s.migration().getStatus().getConditions())
        .anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("Reconciling");
          assertThat(c.getStatus()).isEqualTo("True");
        });

    s.finishPod(s.pods(job.getMetadata().getName()).get(0), 0, null);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(s.replicas()).isEqualTo(3));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(s.migration().getStatus().getConditions())
            .anySatisfy(c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            }));
  }
}
