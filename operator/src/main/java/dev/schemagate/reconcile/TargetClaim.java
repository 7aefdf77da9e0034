package dev.schemagate.reconcile;

import dev.schemagate.api.SchemaMigration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Which SchemaMigration gates a Deployment that several name. One gate per Deployment: two would
 * each hold the other's images and both admission policies would have to agree on every pod. The
 * chart's admission policy refuses the second at `kubectl apply`; this is the rule where two got in
 * anyway (created in the same instant, or the policy switched off): the oldest keeps the gate, ties
 * broken by name, so every replica of the operator picks the same one.
 */
final class TargetClaim {
  private static final Comparator<SchemaMigration> FIRST =
      Comparator.comparing(TargetClaim::created).thenComparing(m -> m.getMetadata().getName());

  private TargetClaim() {}

  /**
   * The name of the SchemaMigration that gates {@code migration}'s Deployment instead of it, if
   * another does.
   *
   * @param sameTarget the SchemaMigrations of its namespace that name the same Deployment, with or
   *     without {@code migration} itself
   */
  static Optional<String> heldByOther(
      SchemaMigration migration, Collection<SchemaMigration> sameTarget) {
    var target = migration.getSpec().getTarget().getDeployment();
    return sameTarget.stream()
        .filter(m -> Objects.equals(m.getSpec().getTarget().getDeployment(), target))
        .filter(
            m ->
                Objects.equals(
                    m.getMetadata().getNamespace(), migration.getMetadata().getNamespace()))
        .min(FIRST)
        .map(m -> m.getMetadata().getName())
        .filter(first -> !first.equals(migration.getMetadata().getName()));
  }

  private static Instant created(SchemaMigration m) {
    var created = m.getMetadata().getCreationTimestamp();
    // Not yet created (a dry run): last.
    return created == null ? Instant.MAX : Instant.parse(created);
  }
}
