package dev.schemagate.reconcile;

import dev.schemagate.api.Reasons;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.WorkloadKind;
import dev.schemagate.gate.TargetWorkload;
import dev.schemagate.gate.WorkloadRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The migration a SchemaMigration asks for, as a revision: a short hash of everything that defines
 * it. A new revision means a new Job; the same revision never runs twice.
 */
public sealed interface MigrationSource {
  int REVISION_LENGTH = 10;

  /** {@code image}: the target's app image that this revision migrates. */
  record Valid(String revision, String image) implements MigrationSource {}

  /** The spec cannot work as it stands; no Job is started until it can. */
  record Invalid(String reason, String message) implements MigrationSource {}

  /** A ConfigMap key whose value is a migration script (the runner reads the same files). */
  static boolean isScript(String key) {
    return key.endsWith(".sql");
  }

  /**
   * @param configMap the ConfigMap named by spec.flyway, or null when absent or not applicable
   * @param workloads the target's workloads that exist, in the target's order
   */
  static MigrationSource resolve(
      SchemaMigration migration, ConfigMap configMap, List<TargetWorkload> workloads) {
    var spec = migration.getSpec();
    var namespace = migration.getMetadata().getNamespace();
    var missing = missing(migration, workloads);
    if (missing.isPresent()) {
      return missing.get();
    }
    var image = WantedImage.of(workloads, migration.getStatus());
    var digest = new Digest();
    digest.add("target.image", image);
    digest.add("database.secret", spec.getDatabase().getUrlSecretRef().getName());
    digest.add("database.key", spec.getDatabase().getUrlSecretRef().getKey());
    digest.add(
        "retry",
        migration.getMetadata().getAnnotations() == null
            ? null
            : migration.getMetadata().getAnnotations().get(SchemaMigration.RETRY_ANNOTATION));
    if (spec.getFlyway() != null) {
      var name = spec.getFlyway().getConfigMapRef().getName();
      if (configMap == null) {
        return new Invalid(
            Reasons.CONFIG_MAP_NOT_FOUND,
            "ConfigMap \"%s\" not found in namespace \"%s\": create it or fix spec.flyway.configMapRef.name"
                .formatted(name, namespace));
      }
      var scripts = scripts(configMap);
      if (scripts.isEmpty()) {
        return new Invalid(
            Reasons.NO_MIGRATIONS,
            "ConfigMap \"%s\" has no .sql keys: add Flyway scripts such as V1__init.sql"
                .formatted(name));
      }
      digest.add("flyway.baseline", spec.getFlyway().getBaselineVersion());
      scripts.forEach((key, sql) -> digest.add("flyway.script." + key, sql));
    } else {
      var command = spec.getCommand();
      digest.add("command.image", command.getImage());
      digest.add("command.command", command.getCommand());
      digest.add("command.args", command.getArgs());
    }
    return new Valid(digest.revision(), image);
  }

  /**
   * Why there is nothing to migrate for: the Deployment spec.target.deployment names is missing
   * (the app's main workload), no workload of the target exists, or one has no container of the
   * configured name. A missing Job or CronJob of spec.target.workloads is not a reason: a Job is
   * made and deleted as it runs.
   */
  private static Optional<Invalid> missing(
      SchemaMigration migration, List<TargetWorkload> workloads) {
    var target = migration.getSpec().getTarget();
    var namespace = migration.getMetadata().getNamespace();
    if (target.getDeployment() != null
        && workloads.stream()
            .noneMatch(
                w ->
                    w.kind() == WorkloadKind.Deployment
                        && w.name().equals(target.getDeployment()))) {
      return Optional.of(
          new Invalid(
              Reasons.DEPLOYMENT_NOT_FOUND,
              "Deployment \"%s\" not found in namespace \"%s\": nothing to migrate for until it exists"
                  .formatted(target.getDeployment(), namespace)));
    }
    if (workloads.isEmpty()) {
      return Optional.of(
          new Invalid(
              Reasons.WORKLOAD_NOT_FOUND,
              "None of %s exists in namespace \"%s\": nothing to migrate for until one does"
                  .formatted(WorkloadRef.all(target), namespace)));
    }
    return workloads.stream()
        .filter(w -> w.image().isEmpty())
        .findFirst()
        .map(
            w ->
                new Invalid(
                    Reasons.CONTAINER_NOT_FOUND,
                    "%s \"%s\" has no container \"%s\" (it has %s): fix %s"
                        .formatted(
                            w.kind(),
                            w.name(),
                            w.ref().container(),
                            w.containers(),
                            w.ref().container() != null
                                    && !w.ref().container().equals(target.getContainer())
                                ? "spec.target.workloads[].container"
                                : "spec.target.container")));
  }

  /**
   * The ConfigMap's scripts by key, sorted. binaryData files are mounted beside data's (the runner
   * refuses non-UTF-8 SQL with a message): they are part of the revision too, base64 as stored,
   * under keys of their own.
   */
  private static Map<String, String> scripts(ConfigMap configMap) {
    var scripts = new TreeMap<String, String>();
    Objects.requireNonNullElse(configMap.getData(), Map.<String, String>of())
        .forEach(
            (key, sql) -> {
              if (isScript(key)) {
                scripts.put(key, sql);
              }
            });
    Objects.requireNonNullElse(configMap.getBinaryData(), Map.<String, String>of())
        .forEach(
            (key, base64) -> {
              if (isScript(key)) {
                scripts.put("binary:" + key, base64);
              }
            });
    return scripts;
  }

  /** Length-prefixed fields, so that no two different inputs can read as the same bytes. */
  final class Digest {
    private final MessageDigest sha256;

    Digest() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    void add(String field, List<String> values) {
      add(field, values == null ? null : String.valueOf(values.size()));
      if (values != null) {
        for (int i = 0; i < values.size(); i++) {
          add(field + "[" + i + "]", values.get(i));
        }
      }
    }

    void add(String field, String value) {
      update(field);
      update(value == null ? "\0null" : value);
    }

    private void update(String s) {
      var bytes = s.getBytes(StandardCharsets.UTF_8);
      sha256.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      sha256.update(bytes);
    }

    String revision() {
      return HexFormat.of().formatHex(sha256.digest()).substring(0, REVISION_LENGTH);
    }
  }
}
