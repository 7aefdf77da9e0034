package dev.schemagate.api;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;

/** The kstatus triad of a SchemaMigration's status: its types, and how to read them. */
public final class StatusConditions {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  private StatusConditions() {}

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).filter(c -> "True".equals(c.getStatus())).isPresent();
  }

  public static boolean isTrueWithReason(List<Condition> conditions, String type, String reason) {
    return find(conditions, type)
        .filter(c -> "True".equals(c.getStatus()) && reason.equals(c.getReason()))
        .isPresent();
  }
}
