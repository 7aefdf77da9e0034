package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The CRD's schema of spec.job.podTemplate.spec, a patch of the migration pod's spec (the model
 * holds it as a plain map). Any pod spec field, unvalidated but for the few that would make the pod
 * no migration (the API server checks the rest when the Job is created): a full PodSpec schema
 * would make the CRD many times its size, in every API server's memory.
 */
@PreserveUnknownFields
public final class PodSpecPatch {
  @ValidationRule(
      value = "self == 'Never'",
      message =
          "job.podTemplate.spec.restartPolicy can only be Never: the Job retries a failed"
              + " migration pod (spec.job.backoffLimit)")
  @JsonPropertyDescription("Never, as the migration pod's is.")
  public String restartPolicy;

  @ValidationRule(
      value = "self.all(c, c.name == 'migrate')",
      message =
          "job.podTemplate.spec.containers can only patch the container named migrate: another"
              + " container would keep the Job from ending (a sidecar goes in initContainers with"
              + " restartPolicy: Always)")
  @Size(max = 1)
  @JsonPropertyDescription("The migration's container, named migrate.")
  public List<ContainerPatch> containers;

  private PodSpecPatch() {}

  @PreserveUnknownFields
  @ValidationRule(
      value = "!has(self.image) && !has(self.command) && !has(self.args)",
      message =
          "job.podTemplate.spec.containers[].image, command and args are the migration's: set"
              + " them in spec.command")
  public static final class ContainerPatch {
    @Size(max = 63)
    public String name;

    // Declared for the rule above to see them; the rule refuses them.
    public String image;
    public List<String> command;
    public List<String> args;

    private ContainerPatch() {}
  }
}
