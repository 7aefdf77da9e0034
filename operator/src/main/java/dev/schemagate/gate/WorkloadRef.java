package dev.schemagate.gate;

import dev.schemagate.api.Target;
import dev.schemagate.api.WorkloadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A workload a SchemaMigration gates, as its spec names it.
 *
 * @param container its app container as configured: null means the first container
 */
public record WorkloadRef(WorkloadKind kind, String name, String container) {

  /**
   * The target's workloads in the order that decides which one the migration pod is derived from:
   * spec.target.deployment first, then spec.target.workloads as listed.
   */
  public static List<WorkloadRef> all(Target target) {
    var refs = new ArrayList<WorkloadRef>();
    if (target.getDeployment() != null) {
      refs.add(
          new WorkloadRef(WorkloadKind.Deployment, target.getDeployment(), target.getContainer()));
    }
    for (var w :
        Objects.requireNonNullElse(target.getWorkloads(), List.<dev.schemagate.api.Workload>of())) {
      refs.add(
          new WorkloadRef(
              w.getKind(),
              w.getName(),
              Optional.ofNullable(w.getContainer()).orElse(target.getContainer())));
    }
    return refs;
  }

  /** As on-call reads it: {@code Deployment web}. */
  @Override
  public String toString() {
    return kind + " " + name;
  }
}
