package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.schemagate.testenv.BasketballExample.Release;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.LocalPostgres;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A release whose migration waits for a lock that the running app holds: the runner prints a line
 * per wait, and the operator, which cannot hear from the runner otherwise, reads it from the Job
 * pod's log through the API server (pods/log) into the status. Real node only: the local node
 * serves no pods/log.
 */
class LockWaitStoryIT {
  @Test
  void aMigrationWaitingForALockSaysSoInTheStatusAndCompletesOnceItIsFree() throws Exception {
    assumeTrue(Cluster.onRealNode(), "pods/log is the real kubelet's");
    try (var story = new Story("lock-wait", Map.of()).withOperator()) {
      story.apply(Release.V1_7, FlywaySeedStoryIT::noRetries);
      story.awaitTrue("Ready", "Migrated");

      try (var db = LocalPostgres.connect(story.url)) {
        // V8 adds players.team_id: it waits for this lock, retrying after each lock_timeout.
        db.setAutoCommit(false);
        db.createStatement().execute("LOCK TABLE players IN ACCESS EXCLUSIVE MODE");
        var applied = System.nanoTime();
        story.apply(Release.V1_8_1, FlywaySeedStoryIT::noRetries);
        var message =
            await()
                .atMost(Story.TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .until(
                    () -> story.condition("Reconciling").map(Condition::getMessage).orElse(""),
                    m -> m.contains("waiting for a lock: "));
        System.out.printf(
            "e2e_lock_wait apply_to_wait_line_in_status_ms=%d%n",
            (System.nanoTime() - applied) / 1_000_000);
        assertThat(message).contains("timed out after lock_timeout 2s; retry ");
        db.rollback();
      }

      story.awaitTrue("Ready", "Migrated");
      assertThat(story.tableExists("teams")).isTrue();
      assertThat(story.migration().getStatus().getMigrated().get(0).getImage())
          .isEqualTo(Release.V1_8_1.image);
    }
  }
}
