package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.chaos.History.Applied;
import dev.schemagate.testenv.chaos.History.JobSeen;
import dev.schemagate.testenv.chaos.History.RunSeen;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateRunsTest {
  private static final String M = "ns/app-1";
  private static final Instant T = Instant.parse("2026-12-01T22:00:00Z");

  private static RunSeen run(String pod, int from, Integer to) {
    return new RunSeen(
        M, "app-1-r1", pod, T.plusSeconds(from), to == null ? null : T.plusSeconds(to), true, null);
  }

  private static History history(List<JobSeen> jobs, List<RunSeen> runs, List<Applied> applied) {
    return new History(List.of(M), jobs, runs, List.of(), applied);
  }

  @Test
  void oneJobPerRevisionAndRunsOneAfterAnotherAreNoDuplicates() {
    var h =
        history(
            List.of(
                new JobSeen(M, "app-1-r1", "u1", "r1", "app:1"),
                // The same Job seen again (an update, a relist) is the same uid.
                new JobSeen(M, "app-1-r1", "u1", "r1", "app:1"),
                new JobSeen(M, "app-1-r2", "u2", "r2", "app:2")),
            // Sequential, one ending in the second the next starts (the API's precision).
            List.of(run("p1", 0, 5), run("p2", 5, 9), run("p3", 12, null)),
            List.of(new Applied(M, List.of("1", "2"), List.of("V1", "V2"))));

    assertThat(DuplicateRuns.find(h)).isEmpty();
  }

  @Test
  void aSecondJobForOneRevisionIsADuplicate() {
    var h =
        history(
            List.of(
                new JobSeen(M, "app-1-r1", "u1", "r1", "app:1"),
                new JobSeen(M, "app-1-r1", "u2", "r1", "app:1")),
            List.of(),
            List.of());

    assertThat(DuplicateRuns.find(h)).containsExactly("ns/app-1 revision r1: 2 Jobs");
  }

  @Test
  void runsThatOverlapAreADuplicateEvenWhenOneNeverEnds() {
    assertThat(
            DuplicateRuns.find(
                history(List.of(), List.of(run("p1", 0, 5), run("p2", 4, 8)), List.of())))
        .containsExactly("ns/app-1: pods p1 and p2 ran at once");
    assertThat(
            DuplicateRuns.find(
                history(List.of(), List.of(run("p1", 0, null), run("p2", 30, 31)), List.of())))
        .containsExactly("ns/app-1: pods p1 and p2 ran at once");
    // p2 lies inside p1; p3 starts after p2 ended but while p1 still runs.
    assertThat(
            DuplicateRuns.find(
                history(
                    List.of(),
                    List.of(run("p1", 0, 20), run("p2", 2, 4), run("p3", 6, 8)),
                    List.of())))
        .containsExactly(
            "ns/app-1: pods p1 and p2 ran at once", "ns/app-1: pods p1 and p3 ran at once");
  }

  @Test
  void aVersionOrScriptAppliedTwiceIsADuplicate() {
    var h =
        history(
            List.of(),
            List.of(),
            List.of(new Applied(M, List.of("1", "2", "2"), List.of("V1", "V2", "V1"))));

    assertThat(DuplicateRuns.find(h))
        .containsExactly(
            "ns/app-1: Flyway version 2 applied twice", "ns/app-1: script V1 ran twice");
  }
}
