package dev.schemagate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.chaos.RbacAudit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The chart grants exactly what the operator uses: {@link RbacAudit} on the shared control plane
 * (hold, release, evict, delete, StopOldPods, leader election) and on the one without
 * MutatingAdmissionPolicy (the nudge), the verbs in the request log of the operator run as the
 * chart's ServiceAccount compared with `kubectl auth can-i --list` for it, both ways.
 */
class RbacIT {
  @Test
  void everyGrantedVerbIsUsedAndEveryUsedVerbIsGranted() throws Exception {
    var dir = Path.of("target/rbac-audit").toAbsolutePath();
    var result =
        RbacAudit.run(Cluster.plane(), dir)
            .plus(RbacAudit.run(Cluster.withoutMutatingAdmissionPolicy(), dir));

    assertThat(result.forbidden()).as("Forbidden in the operator's log").isEmpty();
    var comparison = result.compare();
    assertThat(comparison.unused())
        .as("granted by the chart, never used; used: " + result.usedBeyondBaseline())
        .isEmpty();
    assertThat(comparison.missing())
        .as("used, not granted; granted: " + result.grantedBeyondBaseline())
        .isEmpty();
  }
}
