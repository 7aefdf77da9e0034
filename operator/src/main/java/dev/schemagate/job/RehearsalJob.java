package dev.schemagate.job;

import dev.schemagate.api.IdempotencyPolicy;
import dev.schemagate.api.RehearsalSettings;
import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Job that rehearses one revision before its production Job: the production Job's pod (same
 * image, service account, environment, pull secrets, node selection: {@link MigrationJob}) running
 * {@code schemagate rehearse} against a scratch copy of production's schema. Its findings are its
 * container's termination message ({@code TerminationReport}). Pure.
 */
public final class RehearsalJob {
  /** Tells a rehearsal's Job and pod from the production ones; both carry the same selector. */
  public static final String ROLE_LABEL = "schemagate.dev/role";

  public static final String ROLE = "rehearsal";

  /** The rehearsal's container: its termination message holds the findings. */
  public static final String CONTAINER = "rehearse";

  /** Job names, as label values, have at most 63 characters. */
  private static final int MAX_NAME = 63;

  private static final String INFIX = "-rehearse-";

  private RehearsalJob() {}

  /** {@code <name>-rehearse-<revision>}, the SchemaMigration's name cut to fit 63 characters. */
  public static String name(String migrationName, String revision) {
    int room = MAX_NAME - INFIX.length() - revision.length();
    var prefix = migrationName.length() <= room ? migrationName : migrationName.substring(0, room);
    return prefix + INFIX + revision;
  }

  public static boolean isRehearsal(Map<String, String> labels) {
    return labels != null && ROLE.equals(labels.get(ROLE_LABEL));
  }

  /** The arguments of built-in runner's rehearsal: the mounted Flyway SQL. */
  static List<String> args(String revision, IdempotencyPolicy idempotency) {
    return List.of(
        "rehearse",
        "--dir",
        MigrationJob.MIGRATIONS_DIR,
        "--revision",
        revision,
        "--idempotency",
        idempotency.name().toLowerCase(Locale.ROOT),
        // Whether a destructive change waits is spec.approval's to say, not the command's.
        "--allow-destructive");
  }

  /**
   * The rehearsal Job of a Flyway source's revision, as {@link MigrationJob#build} takes it.
   *
   * @param appContainer the app container of the workload whose pod the Job's is derived from
   */
  public static Job build(
      SchemaMigration migration,
      String revision,
      String image,
      String runnerImage,
      Optional<PodTemplateSpec> app,
      String appContainer) {
    var job = MigrationJob.build(migration, revision, image, runnerImage, app, appContainer);
    var meta = job.getMetadata();
    meta.setName(name(migration.getMetadata().getName(), revision));
    meta.setLabels(withRole(meta.getLabels()));
    var spec = job.getSpec();
    // One try: a failed rehearsal is a finding, read from its pod, not a reason to run it again.
    spec.setBackoffLimit(0);
    var template = spec.getTemplate();
    template.getMetadata().setLabels(withRole(template.getMetadata().getLabels()));
    var idempotency = RehearsalSettings.idempotencyOf(migration.getSpec().getRehearsal());
    var containers = new ArrayList<>(template.getSpec().getContainers());
    var migrate = containers.get(0);
    migrate.setName(CONTAINER);
    migrate.setArgs(args(revision, idempotency));
    migrate.setTerminationMessagePolicy("File");
    return job;
  }

  private static Map<String, String> withRole(Map<String, String> labels) {
    var with = new LinkedHashMap<>(Objects.requireNonNullElse(labels, Map.<String, String>of()));
    with.put(ROLE_LABEL, ROLE);
    return with;
  }
}
