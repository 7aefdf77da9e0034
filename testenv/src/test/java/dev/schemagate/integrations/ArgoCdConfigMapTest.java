package dev.schemagate.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.Binaries;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The argocd-cm snippet users paste carries exactly the health check that GitOpsHealthIT runs. */
class ArgoCdConfigMapTest {
  static final String DIR = "integrations/argocd/";

  /** Argo CD's key for a health check of group schemagate.dev, kind SchemaMigration. */
  static final String KEY = "resource.customizations.health.schemagate.dev_SchemaMigration";

  @Test
  void snippetEmbedsTheShippedHealthCheckVerbatim() throws IOException {
    var root = Binaries.repoRoot();
    var script = Files.readString(root.resolve(DIR + "schemagate.dev/SchemaMigration/health.lua"));
    var configMap =
        new KubernetesSerialization()
            .unmarshal(Files.readString(root.resolve(DIR + "argocd-cm.yaml")), ConfigMap.class);

    assertThat(configMap.getMetadata().getName()).isEqualTo("argocd-cm");
    assertThat(configMap.getData()).containsOnlyKeys(KEY);
    assertThat(configMap.getData().get(KEY)).isEqualTo(script);
  }
}
