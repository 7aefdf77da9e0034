package dev.schemagate.reconcile;

import dev.schemagate.reconcile.Conditions.Verdict;
import dev.schemagate.reconcile.Plan.Event;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the rule that fires decides: the conditions' verdict, and what goes with it.
 *
 * @param job the Job status names from now on; empty keeps the one it names
 * @param createJob create the wanted revision's Job
 * @param requeue decide again after this long, though nothing changed
 * @param events what to tell, beside the conditions
 * @param createRehearsal create the wanted revision's rehearsal Job
 */
record Ruling(
    Verdict verdict,
    Optional<String> job,
    boolean createJob,
    Optional<Duration> requeue,
    List<Event> events,
    boolean createRehearsal) {

  static Ruling of(Verdict verdict) {
    return new Ruling(verdict, Optional.empty(), false, Optional.empty(), List.of(), false);
  }

  Ruling job(String name) {
    return new Ruling(verdict, Optional.of(name), createJob, requeue, events, createRehearsal);
  }

  Ruling createJob(boolean create) {
    return new Ruling(verdict, job, create, requeue, events, createRehearsal);
  }

  Ruling requeue(Optional<Duration> after) {
    return new Ruling(verdict, job, createJob, after, events, createRehearsal);
  }

  /** Create the wanted revision's rehearsal Job, when {@code create} holds. */
  Ruling createRehearsal(boolean create) {
    return new Ruling(verdict, job, createJob, requeue, events, create);
  }

  /** With this event too, when {@code tell} holds. */
  Ruling event(boolean tell, Event event) {
    return tell
        ? new Ruling(
            verdict,
            job,
            createJob,
            requeue,
            Stream.concat(events.stream(), Stream.of(event)).toList(),
            createRehearsal)
        : this;
  }
}
