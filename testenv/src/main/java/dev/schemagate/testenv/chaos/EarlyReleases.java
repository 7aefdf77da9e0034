package dev.schemagate.testenv.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The second promise: no app pod starts before the migration of its image succeeded. A pod is early
 * when no migration pod of its SchemaMigration and image had succeeded by then: judged by the pods'
 * own timestamps (the server's, to the second: a start in an earlier second than the success), and
 * by the watch's history (the app pod seen running before any such success was seen).
 */
final class EarlyReleases {
  private EarlyReleases() {}

  static List<String> find(History history) {
    var found = new ArrayList<String>();
    for (var app : history.appPods()) {
      var image = images(history, app);
      var succeeded =
          history.runs().stream()
              .filter(r -> r.migration().equals(app.migration()) && r.succeeded())
              .filter(r -> image.contains(r.job()))
              .toList();
      var finished = earliest(succeeded.stream().map(History.RunSeen::finished).toList());
      var seen = earliest(succeeded.stream().map(History.RunSeen::succeededSeen).toList());
      if (finished.isEmpty() && seen.isEmpty()) {
        found.add(
            app.migration() + ": pod " + app.pod() + " of " + app.image() + " ran, never migrated");
      } else if (app.started() != null
          && finished.isPresent()
          && app.started().isBefore(finished.get())) {
        found.add(
            app.migration()
                + ": pod "
                + app.pod()
                + " of "
                + app.image()
                + " started "
                + app.started()
                + ", its migration succeeded "
                + finished.get());
      } else if (app.seen() != null && seen.isPresent() && app.seen().isBefore(seen.get())) {
        found.add(
            app.migration()
                + ": pod "
                + app.pod()
                + " of "
                + app.image()
                + " seen running "
                + app.seen()
                + ", its migration seen succeeded "
                + seen.get());
      }
    }
    return found;
  }

  /** The Jobs of the app pod's SchemaMigration that migrated its image. */
  private static List<String> images(History history, History.AppPodSeen app) {
    return history.jobs().stream()
        .filter(j -> j.migration().equals(app.migration()) && app.image().equals(j.image()))
        .map(History.JobSeen::name)
        .toList();
  }

  private static Optional<Instant> earliest(List<Instant> times) {
    return times.stream().filter(t -> t != null).min(Instant::compareTo);
  }
}
