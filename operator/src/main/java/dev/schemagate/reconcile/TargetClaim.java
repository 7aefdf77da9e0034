package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SecretKeyRef;
import dev.schemagate.gate.WorkloadRef;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Which SchemaMigration acts where several claim the same thing: a workload, or a database. One
 * gate per workload: two would each hold the other's images and both admission policies would have
 * to agree on every pod. One migration per database at a time: Alembic, Django and Rails have no
 * lock, and two of them running {@code upgrade head} at once race. The chart's admission policy
 * refuses the second SchemaMigration at `kubectl apply`; this is the rule where two got in anyway
 * (created in the same instant, or the policy switched off): the oldest acts, ties broken by name,
 * so every replica of the operator picks the same one.
 */
final class TargetClaim {
  private static final Comparator<SchemaMigration> FIRST =
      Comparator.comparing(TargetClaim::created).thenComparing(m -> m.getMetadata().getName());

  /**
   * @param other the SchemaMigration that acts instead
   * @param workload the workload both gate; empty when they share only the database
   */
  record Claim(String other, Optional<WorkloadRef> workload) {}

  private TargetClaim() {}

  /**
   * The SchemaMigration that acts instead of {@code migration}, if another claims one of its
   * workloads or its database and comes first.
   *
   * @param candidates SchemaMigrations of any namespace, with or without {@code migration} itself
   */
  static Optional<Claim> claimedBy(
      SchemaMigration migration, Collection<SchemaMigration> candidates) {
    var workloads = WorkloadRef.all(migration.getSpec().getTarget());
    return candidates.stream()
        .filter(
            m ->
                Objects.equals(
                    m.getMetadata().getNamespace(), migration.getMetadata().getNamespace()))
        .filter(m -> !m.getMetadata().getName().equals(migration.getMetadata().getName()))
        .filter(m -> FIRST.compare(m, migration) < 0)
        .map(m -> claim(m, workloads, database(migration)))
        .flatMap(Optional::stream)
        // The workload first: a gate shared is the graver overlap.
        .min(Comparator.comparing((Claim c) -> c.workload().isEmpty()));
  }

  private static Optional<Claim> claim(
      SchemaMigration other, Collection<WorkloadRef> workloads, String database) {
    var name = other.getMetadata().getName();
    var shared =
        WorkloadRef.all(other.getSpec().getTarget()).stream()
            .filter(o -> workloads.stream().anyMatch(w -> sameWorkload(w, o)))
            .findFirst();
    if (shared.isPresent()) {
      return Optional.of(new Claim(name, shared));
    }
    return database(other).equals(database)
        ? Optional.of(new Claim(name, Optional.empty()))
        : Optional.empty();
  }

  /** The key the primary cache indexes a workload by: namespace, kind and name. */
  static String workloadKey(String namespace, WorkloadRef workload) {
    return namespace + "/" + workload.kind() + "/" + workload.name();
  }

  /** The key the primary cache indexes a database by: namespace, Secret and key. */
  static String databaseKey(SchemaMigration migration) {
    return migration.getMetadata().getNamespace() + "/" + database(migration);
  }

  private static String database(SchemaMigration migration) {
    SecretKeyRef url = migration.getSpec().getDatabase().getUrlSecretRef();
    return url.getName() + "/" + url.getKey();
  }

  private static boolean sameWorkload(WorkloadRef a, WorkloadRef b) {
    return a.kind() == b.kind() && a.name().equals(b.name());
  }

  private static Instant created(SchemaMigration m) {
    var created = m.getMetadata().getCreationTimestamp();
    // Not yet created (a dry run): last.
    return created == null ? Instant.MAX : Instant.parse(created);
  }
}
