package dev.schemagate.gate;

import io.fabric8.kubernetes.client.KubernetesClient;

/** How the API server holds pods of an unmigrated image, from what it serves. */
public enum HoldMechanism {
  /** A MutatingAdmissionPolicy gives them a scheduling gate, which the operator removes. */
  SchedulingGate,
  /** No MutatingAdmissionPolicy: a ValidatingAdmissionPolicy refuses them at creation. */
  AdmissionPolicy;

  /** What the API server serves (discovery, which every authenticated client may read). */
  public static HoldMechanism of(KubernetesClient client) {
    var resources = client.getApiResources("admissionregistration.k8s.io/v1");
    var served =
        resources != null
            && resources.getResources().stream()
                .anyMatch(r -> "mutatingadmissionpolicies".equals(r.getName()));
    return served ? SchedulingGate : AdmissionPolicy;
  }
}
