package dev.schemagate.reconcile;

import dev.schemagate.api.StatusConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/** The kstatus triad, written. lastTransitionTime moves only when a condition's status flips. */
final class Conditions {
  private Conditions() {}

  /** One reason and message for the three conditions; which of them is True says the state. */
  record Verdict(
      boolean ready, boolean reconciling, boolean stalled, String reason, String message) {
    static Verdict ready(String reason, String message) {
      return new Verdict(true, false, false, reason, message);
    }

    static Verdict reconciling(String reason, String message) {
      return new Verdict(false, true, false, reason, message);
    }

    static Verdict stalled(String reason, String message) {
      return new Verdict(false, false, true, reason, message);
    }
  }

  static List<Condition> of(
      Verdict verdict, List<Condition> previous, long generation, Instant now) {
    return List.of(
        condition(StatusConditions.READY, verdict.ready(), verdict, previous, generation, now),
        condition(
            StatusConditions.RECONCILING,
            verdict.reconciling(),
            verdict,
            previous,
            generation,
            now),
        condition(StatusConditions.STALLED, verdict.stalled(), verdict, previous, generation, now));
  }

  private static Condition condition(
      String type,
      boolean value,
      Verdict verdict,
      List<Condition> previous,
      long generation,
      Instant now) {
    var status = value ? "True" : "False";
    var since =
        StatusConditions.find(previous, type)
            .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElseGet(() -> now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(verdict.reason())
        .withMessage(Objects.requireNonNullElse(verdict.message(), ""))
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}
