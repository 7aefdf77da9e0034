package dev.schemagate.testenv.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The first promise: a migration never runs twice, nor twice at once. Each finding is one line that
 * says what ran twice.
 */
final class DuplicateRuns {
  private DuplicateRuns() {}

  static List<String> find(History history) {
    var found = new ArrayList<String>();
    // Two Jobs for one revision: the name is the idempotency key, so a second uid is a re-create.
    history.jobs().stream()
        .collect(
            Collectors.groupingBy(
                j -> j.migration() + " revision " + j.revision(),
                Collectors.mapping(History.JobSeen::uid, Collectors.toSet())))
        .forEach(
            (revision, uids) -> {
              if (uids.size() > 1) {
                found.add(revision + ": " + uids.size() + " Jobs");
              }
            });
    // Two migration pods of one SchemaMigration running at once (one Job at a time, parallelism 1).
    history.runs().stream()
        .filter(r -> r.started() != null)
        .collect(Collectors.groupingBy(History.RunSeen::migration))
        .forEach((migration, runs) -> found.addAll(overlaps(migration, runs)));
    for (var applied : history.applied()) {
      twice(applied.flywayVersions(), v -> v)
          .forEach(
              v -> found.add(applied.migration() + ": Flyway version " + v + " applied twice"));
      twice(applied.counterMarks(), m -> m)
          .forEach(m -> found.add(applied.migration() + ": script " + m + " ran twice"));
    }
    found.sort(Comparator.naturalOrder());
    return found;
  }

  private static List<String> overlaps(String migration, List<History.RunSeen> runs) {
    var sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparing(History.RunSeen::started));
    var found = new ArrayList<String>();
    // The run that ends last so far; a null end is a run still going (or never seen to end).
    History.RunSeen latest = null;
    for (var run : sorted) {
      // Seconds precision: a run that starts in the second the previous one ended does not overlap.
      if (latest != null
          && (latest.finished() == null || run.started().isBefore(latest.finished()))) {
        found.add(migration + ": pods " + latest.pod() + " and " + run.pod() + " ran at once");
      }
      if (latest == null
          || latest.finished() != null
              && (run.finished() == null || run.finished().isAfter(latest.finished()))) {
        latest = run;
      }
    }
    return found;
  }

  private static <T> List<T> twice(List<T> values, Function<T, T> key) {
    return values.stream()
        .collect(Collectors.groupingBy(key, Collectors.counting()))
        .entrySet()
        .stream()
        .filter(e -> e.getValue() > 1)
        .map(java.util.Map.Entry::getKey)
        .sorted(Comparator.comparing(Object::toString))
        .toList();
  }
}
