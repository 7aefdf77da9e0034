package dev.schemagate.reconcile;

import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.job.JobOutcome;
import dev.schemagate.job.MigrationRun;
import dev.schemagate.reconcile.Plan.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The migrated images once the Jobs in flight that succeeded have joined them, newest first, one
 * entry an image; and an Event for each that joined.
 */
record Absorbed(List<MigratedImage> migrated, List<Event> events) {

  /**
   * Only the Job status last named and the wanted revision's Job count: older Jobs are history
   * (kept for `kubectl logs`), already absorbed or superseded.
   */
  static Absorbed of(List<MigrationRun> runs, SchemaMigrationStatus previous) {
    var migrated = new ArrayList<>(previous.getMigrated());
    var events = new ArrayList<Event>();
    for (var run : runs) {
      var inFlight =
          run.job().equals(previous.getJob())
              || Objects.equals(run.revision(), previous.getRevision());
      if (!inFlight
          || !(run.outcome() instanceof JobOutcome.Succeeded)
          || run.image() == null
          || run.revision() == null) {
        continue;
      }
      var entry = new MigratedImage(run.image(), run.revision());
      if (migrated.contains(entry)) {
        continue;
      }
      migrated.removeIf(m -> run.image().equals(m.getImage()));
      migrated.add(0, entry);
      events.add(
          Event.normal(
              Reasons.MIGRATED,
              "Job %s migrated image %s (revision %s)"
                  .formatted(run.job(), run.image(), run.revision())));
    }
    var kept =
        migrated.size() > Decision.MIGRATED_KEPT
            ? migrated.subList(0, Decision.MIGRATED_KEPT)
            : migrated;
    return new Absorbed(List.copyOf(kept), List.copyOf(events));
  }

  Set<String> images() {
    return migrated.stream().map(MigratedImage::getImage).collect(Collectors.toSet());
  }

  /** The revision last migrated; the previous one while none is. */
  String appliedRevision(SchemaMigrationStatus previous) {
    return migrated.isEmpty() ? previous.getAppliedRevision() : migrated.get(0).getRevision();
  }
}
