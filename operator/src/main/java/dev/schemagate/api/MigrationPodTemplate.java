package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** What differs in the migration pod from the pod derived for it. */
public class MigrationPodTemplate {
  @JsonPropertyDescription("Labels and annotations added to the migration pod's.")
  private Metadata metadata;

  @JsonPropertyDescription(
      "Merged over the migration pod's spec as a strategic merge patch would be: objects field by"
          + " field, containers, initContainers, volumes, env and imagePullSecrets by name,"
          + " volumeMounts by mountPath, other lists replaced, null removes. The migration's"
          + " container is named migrate.")
  @SchemaFrom(type = PodSpecPatch.class)
  private Map<String, Object> spec;

  public Metadata getMetadata() {
    return metadata;
  }

  public void setMetadata(Metadata metadata) {
    this.metadata = metadata;
  }

  public Map<String, Object> getSpec() {
    return spec;
  }

  public void setSpec(Map<String, Object> spec) {
    this.spec = spec;
  }

  public static class Metadata {
    @Size(max = 64)
    @ValidationRule(
        value =
            "!self.exists(k, k in ['app.kubernetes.io/name', 'app.kubernetes.io/instance',"
                + " 'app.kubernetes.io/component', 'app.kubernetes.io/managed-by',"
                + " 'schemagate.dev/revision'])",
        message =
            "job.podTemplate.metadata.labels must not set app.kubernetes.io/name, instance,"
                + " component, managed-by or schemagate.dev/revision: SchemaGate finds its"
                + " migration pods by them")
    @JsonPropertyDescription(
        "Labels of the migration pod, e.g. to turn a mesh's injection on or off.")
    private Map<String, String> labels;

    @JsonPropertyDescription(
        "Annotations of the migration pod, e.g. sidecar.istio.io/inject: \"false\".")
    private Map<String, String> annotations;

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    public Map<String, String> getAnnotations() {
      return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
      this.annotations = annotations;
    }
  }
}
