package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.chaos.History.AppPodSeen;
import dev.schemagate.testenv.chaos.History.JobSeen;
import dev.schemagate.testenv.chaos.History.RunSeen;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyReleasesTest {
  private static final String M = "ns/app-1";
  private static final Instant T = Instant.parse("2026-12-01T22:00:00Z");
  private static final List<JobSeen> JOBS =
      List.of(
          new JobSeen(M, "app-1-r1", "u1", "r1", "app:1"),
          new JobSeen(M, "app-1-r2", "u2", "r2", "app:2"));

  private static History history(List<RunSeen> runs, AppPodSeen app) {
    return new History(List.of(M), JOBS, runs, List.of(app), List.of());
  }

  private static RunSeen succeeded(String job, int finished, int seen) {
    return new RunSeen(M, job, job + "-pod", T, T.plusSeconds(finished), true, T.plusSeconds(seen));
  }

  private static AppPodSeen app(String image, int started, int seen) {
    return new AppPodSeen(M, "app-1-abc", image, T.plusSeconds(started), T.plusSeconds(seen));
  }

  @Test
  void aPodStartedAfterItsImagesMigrationIsOnTime() {
    assertThat(
            EarlyReleases.find(history(List.of(succeeded("app-1-r2", 5, 5)), app("app:2", 5, 6))))
        .isEmpty();
  }

  @Test
  void aPodStartedBeforeItsImagesMigrationSucceededIsEarly() {
    assertThat(
            EarlyReleases.find(history(List.of(succeeded("app-1-r2", 5, 5)), app("app:2", 4, 6))))
        .containsExactly(
            "ns/app-1: pod app-1-abc of app:2 started 2026-12-01T22:00:04Z, its migration succeeded"
                + " 2026-12-01T22:00:05Z");
  }

  @Test
  void aPodSeenRunningBeforeTheSuccessWasSeenIsEarlyWithinOneSecond() {
    // Same second on the server; the watch saw the app first.
    var h =
        history(
            List.of(
                new RunSeen(
                    M,
                    "app-1-r2",
                    "p",
                    T,
                    T.plusSeconds(5),
                    true,
                    T.plusSeconds(5).plusMillis(900))),
            new AppPodSeen(
                M, "app-1-abc", "app:2", T.plusSeconds(5), T.plusSeconds(5).plusMillis(100)));
    assertThat(EarlyReleases.find(h)).singleElement().asString().contains("seen running");
  }

  @Test
  void anotherImagesSuccessOrAFailedRunDoesNotCount() {
    var failed = new RunSeen(M, "app-1-r2", "p", T, T.plusSeconds(1), false, null);
    assertThat(
            EarlyReleases.find(
                history(List.of(succeeded("app-1-r1", 1, 1), failed), app("app:2", 9, 9))))
        .containsExactly("ns/app-1: pod app-1-abc of app:2 ran, never migrated");
  }
}
