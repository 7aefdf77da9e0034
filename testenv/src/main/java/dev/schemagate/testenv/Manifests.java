package dev.schemagate.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Multi-document YAML as helm and kubectl print it: its documents, or its Kubernetes objects. */
public final class Manifests {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  /** Every document of a multi-document YAML stream, as trees (empty documents dropped). */
  public static List<JsonNode> yamlDocuments(String yaml) {
    var mapper = new ObjectMapper(new YAMLFactory());
    try (var parser = mapper.getFactory().createParser(yaml)) {
      var docs = new ArrayList<JsonNode>();
      var it = mapper.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        var node = it.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          docs.add(node);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "rendered YAML does not parse: " + e.getMessage() + "\n" + yaml, e);
    }
  }

  /**
   * Every document as a Kubernetes object: the typed model class for built-in kinds (so a field the
   * model does not know, such as a misspelt one, would surface as an additional property).
   */
  public static List<HasMetadata> objects(String yaml) {
    return yamlDocuments(yaml).stream()
        .map(doc -> SERIALIZATION.unmarshal(doc.toString(), HasMetadata.class))
        .toList();
  }

  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
    return (List<T>) (List<?>) objects.stream().filter(type::isInstance).toList();
  }
}
