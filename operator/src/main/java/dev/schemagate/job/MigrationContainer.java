package dev.schemagate.job;

import dev.schemagate.api.Locks;
import dev.schemagate.api.SchemaMigrationSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The migration Job's {@code migrate} container, before anything is inherited. Pure. */
final class MigrationContainer {
  /**
   * What the runner keeps of the Job's deadline for itself when the lock retry budget would reach
   * it: time to fail with the line that names the blocker, rather than be killed without one.
   */
  static final Duration DEADLINE_MARGIN = Duration.ofSeconds(30);

  private MigrationContainer() {}

  /**
   * The migration's container: the runner (flyway) or the command, with the database URL from the
   * spec's Secret, the lock settings and a writable /tmp.
   */
  static Container of(
      SchemaMigrationSpec spec, String image, String runnerImage, long activeDeadlineSeconds) {
    var locks = Optional.ofNullable(spec.getLocks()).orElseGet(Locks::new);
    var url = spec.getDatabase().getUrlSecretRef();
    var env = new ArrayList<EnvVar>();
    env.add(
        new EnvVarBuilder()
            .withName("DATABASE_URL")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(url.getName())
            .withKey(url.getKey())
            .endSecretKeyRef()
            .endValueFrom()
            .build());
    var mounts = new ArrayList<VolumeMount>();
    mounts.add(
        new VolumeMountBuilder().withName(MigrationJob.TMP_VOLUME).withMountPath("/tmp").build());
    var builder =
        new ContainerBuilder()
            .withName(MigrationJob.CONTAINER)
            // The runner writes the failing script and SQL error there; other tools' last log lines
            // do.
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext();
    if (spec.getFlyway() != null) {
      env.add(new EnvVar("MIGRATIONS_DIR", MigrationJob.MIGRATIONS_DIR, null));
      env.add(new EnvVar(LockWatch.LOCK_TIMEOUT, duration(locks.timeoutOrDefault()), null));
      env.add(
          new EnvVar(
              "LOCK_RETRY_BUDGET",
              duration(retryBudget(locks.retryBudgetOrDefault(), activeDeadlineSeconds)),
              null));
      if (spec.getFlyway().getBaselineVersion() != null) {
        env.add(new EnvVar("BASELINE_VERSION", spec.getFlyway().getBaselineVersion(), null));
      }
      mounts.add(
          new VolumeMountBuilder()
              .withName(MigrationJob.MIGRATIONS_VOLUME)
              .withMountPath(MigrationJob.MIGRATIONS_DIR)
              .withReadOnly(true)
              .build());
      builder.withImage(runnerImage).withArgs("migrate");
      env.add(new EnvVar("JDK_JAVA_OPTIONS", MigrationJob.RUNNER_JVM_OPTIONS, null));
    } else {
      var command = spec.getCommand();
      // libpq reads it (psql, psycopg, so Alembic): the tool's sessions give up on a lock in time.
      env.add(
          new EnvVar(
              "PGOPTIONS", "-c lock_timeout=" + locks.timeoutOrDefault().toMillis() + "ms", null));
      builder
          .withImage(Objects.requireNonNullElse(command.getImage(), image))
          .withCommand(orEmpty(command.getCommand()))
          .withArgs(orEmpty(command.getArgs()));
    }
    return builder.withEnv(env).withVolumeMounts(mounts).build();
  }

  /** The budget, unless it would run into the Job's deadline: then up to the margin before it. */
  static Duration retryBudget(Duration budget, long activeDeadlineSeconds) {
    Duration beforeDeadline = Duration.ofSeconds(activeDeadlineSeconds).minus(DEADLINE_MARGIN);
    if (beforeDeadline.isNegative()) {
      return Duration.ZERO;
    }
    return budget.compareTo(beforeDeadline) <= 0 ? budget : beforeDeadline;
  }

  /** As the CRD writes durations: whole seconds where they are, else milliseconds. */
  static String duration(Duration d) {
    return d.toMillisPart() == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }
}
