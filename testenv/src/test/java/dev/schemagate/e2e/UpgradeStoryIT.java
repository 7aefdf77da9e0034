package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.BasketballExample.Release;
import dev.schemagate.testenv.ReadyPods;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The story as an upgrade of a live app: basketball-api 1.7 serves 3 pods at V7; release 1.8 ships
 * the broken 008, release 1.8.1 the fixed one. The Deployment's rolling update (maxUnavailable 0)
 * keeps 1.7 serving while 1.8's pods are held, and Ready pods are sampled every 200 ms throughout:
 * their number never drops below 3.
 */
class UpgradeStoryIT {
  static final Duration SAMPLE = Duration.ofMillis(200);
  static final Duration AFTER_STALLED = Duration.ofSeconds(30);

  @Test
  void flywayUpgradeKeepsTheOldVersionServingThroughAFailureAndRollsOutTheFix() throws Exception {
    try (var story = new Story("flyway-upgrade", Map.of()).withOperator()) {
      // Flyway sources are rehearsed: the broken 008 stalls on its rehearsal, before production.
      upgrade(story, FlywaySeedStoryIT::noRetries, "RehearsalFailed", "rehearsal failed");
      assertThat(story.query("SELECT max(version::int) FROM flyway_schema_history WHERE success"))
          .containsExactly("8");
    }
  }

  @Test
  void alembicUpgradeInTheAppsOwnImageDoesTheSame() throws Exception {
    try (var story = new Story("alembic-upgrade", AlembicSeedStoryIT.images()).withOperator()) {
      upgrade(story, AlembicSeedStoryIT::alembicSource, "MigrationFailed", "Job");
      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("008");
    }
  }

  /**
   * @param stalledReason the reason the broken 008 stalls with
   * @param stalledBy what its message says after the hold's summary
   */
  static void upgrade(
      Story story, Consumer<HasMetadata> source, String stalledReason, String stalledBy)
      throws Exception {
    story.apply(Release.V1_7, source);
    story.awaitTrue("Ready", "Migrated");
    await().atMost(Story.TIMEOUT).until(() -> story.readyReplicas() == 3);
    var starts = story.appStarts();
    assertThat(starts).isEqualTo(3);

    try (var ready =
        new ReadyPods(
                story.client,
                story.namespace,
                Story.APP,
                SAMPLE,
                counts -> System.out.println("[upgrade] Ready pods by image: " + counts))
            .start()) {
      story.apply(Release.V1_8, source);
      var stalled = story.awaitTrue("Stalled", stalledReason);
      assertThat(stalled.getMessage())
          // The worker's new pod may be held a moment after the web's: its count is not asserted.
          .startsWith(
              "basketball-api: 3 of 1.7 serving, 1.8 held (1 pods gated); basketball-worker: 1 of"
                  + " 1.7 serving, 1.8 held")
          .contains(": " + stalledBy)
          .contains("type \"division\" already exists");
      // The window is the test: the Ready pods, sampled all through it, never drop.
      Thread.sleep(AFTER_STALLED.toMillis());
      assertThat(ready.minimum()).as("Ready pods through the failed upgrade").isEqualTo(3);
      assertThat(ready.now()).isEqualTo(Map.of(Release.V1_7.image, 3));
      assertThat(story.appStarts()).as("pods of 1.8 never started").isEqualTo(starts);
      assertThat(story.tableExists("teams")).isFalse();

      story.apply(Release.V1_8_1, source);
      await()
          .atMost(Story.TIMEOUT)
          .until(() -> Map.of(Release.V1_8_1.image, 3).equals(ready.now()));
      story.awaitTrue("Ready", "Migrated");
      assertThat(ready.minimum()).as("Ready pods through both upgrades").isEqualTo(3);
      System.out.printf(
          "e2e_upgrade min_ready_pods=%d samples=%d%n", ready.minimum(), ready.samples());
      assertThat(story.tableExists("teams")).isTrue();
      // With Flyway the fixed scripts may first run with 1.8 still deployed (the ConfigMap comes
      // first): then 1.8 is migrated too.
      assertThat(story.migration().getStatus().getMigrated())
          .extracting(m -> m.getImage())
          .startsWith(Release.V1_8_1.image)
          .endsWith(Release.V1_7.image);
    }
  }
}
