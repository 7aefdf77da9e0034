package dev.schemagate.job;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** What became of a migration Job, read from the Job and its pods as a person on call would. */
public sealed interface JobOutcome {
  /** The longest termination message Kubernetes keeps. */
  int MAX_MESSAGE = 4096;

  record Absent() implements JobOutcome {}

  /**
   * {@code note} says what is holding it up (a pod waiting on a missing Secret, a retry, a lock),
   * if anything; {@code recheck}: look again after that long though nothing changes (the runner's
   * lock waits show only in its log); {@code problem}: why its pod has not started, if so; {@code
   * started}: a migration container has run (so a problem seen before is over).
   */
  record Running(
      Optional<String> note,
      Optional<Duration> recheck,
      Optional<PodProblem> problem,
      boolean started)
      implements JobOutcome {
    public Running(Optional<String> note, Optional<Duration> recheck) {
      this(note, recheck, Optional.empty(), false);
    }

    public Running(Optional<String> note) {
      this(note, Optional.empty());
    }

    /** The same run, with another note and time to look again. */
    public Running with(Optional<String> note, Optional<Duration> recheck) {
      return new Running(note, recheck, problem, started);
    }
  }

  record Succeeded() implements JobOutcome {}

  /**
   * {@code message} is what the failed container left (for a command Job, its log's tail), or the
   * Job's own message when no pod left one.
   */
  record Failed(String reason, String message) implements JobOutcome {
    /** The cause in {@code message}, wherever the tool printed it. */
    public FailureCause cause() {
      return FailureCause.of(message);
    }
  }

  static JobOutcome of(Job job, List<Pod> pods) {
    if (job == null) {
      return new Absent();
    }
    // A succeeded pod of a one-completion Job is a succeeded migration: the Job controller's
    // Complete condition follows it by about a second, and the release need not wait for it.
    if (hasCondition(job, "Complete")
        || pods.stream()
            .anyMatch(p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase()))) {
      return new Succeeded();
    }
    var failed = condition(job, "Failed");
    if (failed.isPresent()) {
      var reason = Objects.requireNonNullElse(failed.get().getReason(), "Failed");
      var message =
          lastFailure(pods)
              .or(() -> Optional.ofNullable(failed.get().getMessage()))
              .orElse("no pod left a termination message");
      return new Failed(reason, message);
    }
    var problem = PodProblem.of(pods);
    // The cause of the failed try, as on-call reads a failure: one line, no password.
    return new Running(
        problem
            .map(PodProblem::describe)
            .or(
                () ->
                    lastFailure(pods).map(m -> "retrying after: " + FailureCause.of(m).summary())),
        Optional.empty(),
        problem,
        // A container that never ran ends terminated too (ContainerStatusUnknown), with no start.
        containerStatuses(pods)
            .map(ContainerStatus::getState)
            .anyMatch(
                s ->
                    s != null
                        && (s.getRunning() != null
                            || (s.getTerminated() != null
                                && s.getTerminated().getStartedAt() != null))));
  }

  private static boolean hasCondition(Job job, String type) {
    return condition(job, type).isPresent();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  /** The most recent non-zero exit among the pods, with the message the container left. */
  private static Optional<String> lastFailure(List<Pod> pods) {
    return containerStatuses(pods)
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated())
        .filter(t -> t.getExitCode() != null && t.getExitCode() != 0)
        .max(Comparator.comparing(t -> Objects.requireNonNullElse(t.getFinishedAt(), "")))
        .map(JobOutcome::describe);
  }

  private static String describe(ContainerStateTerminated t) {
    var message = t.getMessage() == null ? "" : t.getMessage().strip();
    if (message.isEmpty()) {
      message =
          "exit code "
              + t.getExitCode()
              + (t.getReason() == null ? "" : " (" + t.getReason() + ")");
    }
    return printable(cut(message));
  }

  /** At most {@link #MAX_MESSAGE} chars, never half of a surrogate pair. */
  private static String cut(String message) {
    if (message.length() <= MAX_MESSAGE) {
      return message;
    }
    int end =
        Character.isHighSurrogate(message.charAt(MAX_MESSAGE - 1)) ? MAX_MESSAGE - 1 : MAX_MESSAGE;
    return message.substring(0, end);
  }

  /**
   * A container writes what it likes to its termination log; the message goes to status, the
   * Message column of kubectl get and an Event. Control characters (terminal escapes, NUL) and
   * bidirectional overrides, which would rewrite what a terminal shows, become U+FFFD; newlines and
   * tabs stay (other tools' last log lines).
   */
  static String printable(String message) {
    var out = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      boolean control = Character.getType(c) == Character.CONTROL && c != '\n' && c != '\t';
      boolean bidi = (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
      boolean loneSurrogate =
          Character.isSurrogate(c)
              && !(Character.isHighSurrogate(c)
                  && i + 1 < message.length()
                  && Character.isLowSurrogate(message.charAt(i + 1)))
              && !(Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(message.charAt(i - 1)));
      out.append(control || bidi || loneSurrogate ? '\uFFFD' : c);
    }
    return out.toString();
  }

  private static Stream<ContainerStatus> containerStatuses(List<Pod> pods) {
    return pods.stream().flatMap(JobOutcome::statuses);
  }

  private static Stream<ContainerStatus> statuses(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Stream.empty();
    }
    return pod.getStatus().getContainerStatuses().stream();
  }
}
