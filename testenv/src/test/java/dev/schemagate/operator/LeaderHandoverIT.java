package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.OperatorProcess;
import dev.schemagate.testenv.chaos.LeaderLeases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two operator processes with leader election, as the chart runs two replicas: on SIGTERM (a
 * rolling update, a drain) the leader stops reconciling and gives the Lease up, so the standby
 * takes over at its next try instead of after the 15 s lease duration.
 */
class LeaderHandoverIT {
  private static final Duration HANDOVER_LIMIT = Duration.ofSeconds(2);

  private static OperatorProcess start(String name, String leaseNamespace, String watched)
      throws Exception {
    return OperatorProcess.start(
        Cluster.plane().kubeconfig(),
        List.of(),
        List.of("--leader-election", "--namespaces=" + watched),
        Map.of("POD_NAMESPACE", leaseNamespace, "HOSTNAME", name),
        log(leaseNamespace, name));
  }

  private static Path log(String namespace, String name) {
    return Binaries.testenvDir().resolve("target/handover/" + namespace + "-" + name + ".log");
  }

  @Test
  void sigtermHandsTheLeaseToTheStandbyWithinTwoSeconds() throws Exception {
    var client = Cluster.client();
    var leaseNamespace = Cluster.newNamespace("handover");
    var watched = Cluster.newNamespace("handover-apps");
    try (var a = start("operator-a", leaseNamespace, watched)) {
      LeaderLeases.awaitHolder(
          client, leaseNamespace, "operator-a"::equals, Duration.ofSeconds(60));
      try (var b = start("operator-b", leaseNamespace, watched)) {
        b.awaitReady(Duration.ofSeconds(60));
        assertThat(LeaderLeases.holder(client, leaseNamespace)).isEqualTo("operator-a");

        var sigterm = System.nanoTime();
        System.err.println("SIGTERM to operator-a at " + java.time.LocalTime.now());
        var exit = a.terminate(Duration.ofSeconds(15));
        var exited = Duration.ofNanos(System.nanoTime() - sigterm);
        LeaderLeases.awaitHolder(
            client, leaseNamespace, "operator-b"::equals, Duration.ofSeconds(30));
        var handover = Duration.ofNanos(System.nanoTime() - sigterm);

        assertThat(exit).as("operator-a exits on SIGTERM; see %s", a.log()).isPresent();
        assertThat(handover)
            .as("SIGTERM to the standby holding the Lease (operator-a exited after %s)", exited)
            .isLessThanOrEqualTo(HANDOVER_LIMIT);
      }
    }
  }
}
