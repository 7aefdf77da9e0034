package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigrationStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A decision's first writes: its status, then its Job. The Job's create is the one write whose
 * answer can change the decision: a 409 from a Job of that name outside the selector (its labels
 * edited) means the Job is there but unseen, and the decision is made again knowing it.
 */
public final class DecisionWrites {
  /** Where the writes go: the API server, or a test's world. */
  public interface Writer {
    /** Writes this status. */
    void status(SchemaMigrationStatus status);

    /**
     * Creates the Job this status names; the Job of that name outside the selector when the create
     * found one there.
     */
    Optional<Observation.UnwatchedJob> createJob(SchemaMigrationStatus status);

    /** Creates the rehearsal Job this status's rehearsal names. */
    void createRehearsal(SchemaMigrationStatus status);

    /** What was decided from what was observed, once its status is written. */
    void decided(Observation observed, Plan plan);
  }

  private DecisionWrites() {}

  /**
   * Decides, writes the status (first: the admission policies read status.migrated, so a released
   * image's pods are admitted before any of them is ungated or re-created), then creates the Job.
   * Returns the plan whose other actions are still to be carried out.
   */
  public static Plan decideAndWrite(Observation observed, Instant now, Writer writer) {
    var before = observed.migration().getStatus();
    var plan = Decision.decide(observed, now);
    plan.status().ifPresent(writer::status);
    writer.decided(observed, plan);
    if (plan.createRehearsal()) {
      writer.createRehearsal(plan.status().orElse(before));
    }
    if (!plan.createJob()) {
      return plan;
    }
    var written = plan.status().orElse(before);
    var taken = writer.createJob(written);
    if (taken.isEmpty()) {
      return plan;
    }
    // Made again from the status this reconcile started with, so that its Events are this
    // transition's; written where it differs from the status written above.
    var knowing = observed.toBuilder().unwatchedJob(taken).build();
    var again = Decision.decide(knowing, now);
    var decided = again.status().orElse(before);
    if (!Objects.equals(decided, written)) {
      writer.status(decided);
    }
    writer.decided(knowing, again);
    return again;
  }
}
