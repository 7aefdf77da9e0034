package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A Job that cannot create its pod, read from the Job controller's Events on it. */
class FailedCreateTest {
  static final String UID = "0b6f-job";
  static final Instant CREATED = Instant.parse("2026-12-07T19:00:00Z");
  static final String QUOTA =
      "Error creating: pods \"m-r-abcde\" is forbidden: exceeded quota: no-pods, requested:"
          + " pods=1, used: pods=0, limited: pods=0";
  static final String POD_SECURITY =
      "Error creating: pods \"m-r-fghij\" is forbidden: violates PodSecurity \"restricted:latest\":"
          + " runAsNonRoot != true";

  static Event event(String uid, String reason, String message, String lastTimestamp) {
    return new EventBuilder()
        .withNewMetadata()
        .withName("m-r." + lastTimestamp)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Job")
        .withName("m-r")
        .withUid(uid)
        .endInvolvedObject()
        .withReason(reason)
        .withMessage(message)
        .withLastTimestamp(lastTimestamp)
        .build();
  }

  /** (what happened, the Events, the Reconciling note or null) */
  static Stream<Arguments> events() {
    return Stream.of(
        Arguments.of(
            "a quota that allows no pod",
            List.of(event(UID, "FailedCreate", QUOTA, "2026-12-07T19:00:01Z")),
            "cannot create its pod: FailedCreate: " + QUOTA),
        Arguments.of(
            "the newest of two causes wins",
            List.of(
                event(UID, "FailedCreate", POD_SECURITY, "2026-12-07T19:00:09Z"),
                event(UID, "FailedCreate", QUOTA, "2026-12-07T19:00:01Z")),
            "cannot create its pod: FailedCreate: " + POD_SECURITY),
        Arguments.of(
            "an earlier Job of the same name is not this one",
            List.of(
                event("other-uid", "FailedCreate", POD_SECURITY, "2026-12-07T19:00:09Z"),
                event(UID, "FailedCreate", QUOTA, "2026-12-07T19:00:01Z")),
            "cannot create its pod: FailedCreate: " + QUOTA),
        Arguments.of(
            "another reason is not a failed create",
            List.of(
                event(UID, "SuccessfulCreate", "Created pod: m-r-abcde", "2026-12-07T19:00:01Z")),
            null),
        Arguments.of(
            "control characters in the message",
            List.of(event(UID, "FailedCreate", "Error creating: \u001b[31mno\u0000", null)),
            "cannot create its pod: FailedCreate: Error creating: \uFFFD[31mno\uFFFD"),
        Arguments.of("no Event", List.of(), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void theNewestFailedCreateOfThisJobIsItsProblem(String what, List<Event> events, String note) {
    var run = FailedCreate.read(running(), UID, events);
    var outcome = (JobOutcome.Running) run.outcome();
    assertThat(outcome.note()).isEqualTo(Optional.ofNullable(note));
    assertThat(outcome.recheck()).contains(FailedCreate.INTERVAL);
    assertThat(outcome.problem().map(PodProblem::configuration))
        .isEqualTo(Optional.ofNullable(note).map(n -> true));
    assertThat(run.started()).contains(CREATED);
  }

  @Test
  void anEventTimeAndASeriesCountAsWellAsLastTimestamp() {
    var series =
        new EventBuilder(event(UID, "FailedCreate", QUOTA, null))
            .withNewSeries()
            .withLastObservedTime(new MicroTime("2026-12-07T19:00:30.000000Z"))
            .withCount(4)
            .endSeries()
            .build();
    var older = event(UID, "FailedCreate", POD_SECURITY, "2026-12-07T19:00:20Z");
    var micro =
        new EventBuilder(event(UID, "FailedCreate", POD_SECURITY, null))
            .withEventTime(new MicroTime("2026-12-07T19:00:10.500000Z"))
            .build();
    assertThat(FailedCreate.lastSeen(series)).isEqualTo(Instant.parse("2026-12-07T19:00:30Z"));
    assertThat(FailedCreate.lastSeen(micro)).isEqualTo(Instant.parse("2026-12-07T19:00:10.5Z"));
    assertThat(FailedCreate.newest(List.of(older, series, micro), UID).map(PodProblem::cause))
        .contains(QUOTA);
  }

  /** (what happened, the run, the pods, seconds after the Job's start, look in how many s) */
  static Stream<Arguments> when() {
    var other = pod("0000000000");
    return Stream.of(
        Arguments.of("a second after the Job started", running(), List.of(), 1, 4L),
        Arguments.of("five seconds after", running(), List.of(), 5, 0L),
        Arguments.of("a minute after", running(), List.of(), 60, 0L),
        Arguments.of("another revision's pod", running(), List.of(other), 60, 0L),
        Arguments.of("its pod exists", running(), List.of(pod("abcdef0123")), 60, null),
        Arguments.of(
            "a problem read from its pod already",
            running()
                .withOutcome(
                    new JobOutcome.Running(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(new PodProblem("p", "ErrImagePull", "")),
                        false)),
            List.of(),
            60,
            null),
        Arguments.of(
            "succeeded", running().withOutcome(new JobOutcome.Succeeded()), List.of(), 60, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("when")
  void looksOnlyAtARunningJobWithoutItsPodOnceItHadTime(
      String what, MigrationRun run, List<Pod> pods, int after, Long seconds) {
    assertThat(FailedCreate.lookIn(run, pods, CREATED.plusSeconds(after)))
        .isEqualTo(Optional.ofNullable(seconds).map(Duration::ofSeconds));
  }

  static MigrationRun running() {
    return new MigrationRun(
        "m-r",
        "abcdef0123",
        "app:1",
        new JobOutcome.Running(Optional.empty()),
        Optional.of(CREATED),
        Optional.empty());
  }

  static Pod pod(String revision) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("m-r-abcde")
        .withLabels(Map.of(MigrationJob.REVISION_LABEL, revision))
        .endMetadata()
        .build();
  }
}
