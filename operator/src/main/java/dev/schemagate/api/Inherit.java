package dev.schemagate.api;

/** What the migration pod takes from the target Deployment's pod template. */
public enum Inherit {
  /**
   * The app's pod with the command replaced: for spec.command, the app container's environment,
   * mounts, resources and security context, and for either source the pod's service account, pull
   * secrets, scheduling, DNS and native sidecars.
   */
  PodTemplate,
  /** Nothing: the migration pod is SchemaGate's own, with spec.job.podTemplate on top. */
  None
}
