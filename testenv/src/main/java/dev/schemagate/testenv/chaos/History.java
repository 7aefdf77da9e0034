package dev.schemagate.testenv.chaos;

import java.time.Instant;
import java.util.List;

/**
 * What a chaos part saw of its SchemaMigrations, as plain data: the Jobs (every uid the watch saw),
 * the migration pods' runs and the app pods' starts (server timestamps from the pods' statuses, at
 * the API's one-second precision, and the local time the watch saw them), and what the databases
 * hold. {@link DuplicateRuns} and {@link EarlyReleases} judge it.
 *
 * @param migrations "namespace/name" of every SchemaMigration
 */
record History(
    List<String> migrations,
    List<JobSeen> jobs,
    List<RunSeen> runs,
    List<AppPodSeen> appPods,
    List<Applied> applied) {

  /**
   * A Job of {@code migration} ("namespace/name") for {@code revision}, migrating {@code image}.
   */
  record JobSeen(String migration, String name, String uid, String revision, String image) {}

  /**
   * A migration pod's container run: from {@code started} to {@code finished} (null while running
   * or never seen to end), as the pod's status says; {@code succeededSeen}: when the watch saw the
   * pod Succeeded (null if never).
   */
  record RunSeen(
      String migration,
      String job,
      String pod,
      Instant started,
      Instant finished,
      boolean succeeded,
      Instant succeededSeen) {}

  /**
   * An app pod seen running: its image, its container's startedAt (the pod's status), and when the
   * watch first saw it running or Ready.
   */
  record AppPodSeen(String migration, String pod, String image, Instant started, Instant seen) {}

  /**
   * What one database holds for {@code migration}: Flyway's successful versions (one entry per
   * history row) and the scripts' own marks in the counter table (one entry per row).
   */
  record Applied(String migration, List<String> flywayVersions, List<String> counterMarks) {}
}
