package dev.schemagate.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheTrimTest {
  @Test
  void dropsManagedFieldsAndLastAppliedButKeepsWhatDecisionsRead() {
    var deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("app")
            .withNamespace("ns")
            .withResourceVersion("7")
            .withManagedFields(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubectl")
                    .withOperation("Apply")
                    .build())
            .addToAnnotations(CacheTrim.LAST_APPLIED, "{\"big\":\"copy\"}")
            .addToAnnotations("deployment.kubernetes.io/revision", "3")
            .addToLabels("app", "x")
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .endSpec()
            .build();

    var trimmed = CacheTrim.trim(deployment);

    assertThat(trimmed.getMetadata().getManagedFields()).isNull();
    assertThat(trimmed.getMetadata().getAnnotations())
        .containsOnlyKeys("deployment.kubernetes.io/revision");
    assertThat(trimmed.getMetadata().getLabels()).containsEntry("app", "x");
    assertThat(trimmed.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(trimmed.getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void leavesNoEmptyAnnotationsBehind() {
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("migrations")
            .addToAnnotations(CacheTrim.LAST_APPLIED, "{}")
            .endMetadata()
            .addToData("V1__a.sql", "create table a (id int);")
            .build();

    var trimmed = CacheTrim.trim(configMap);

    assertThat(trimmed.getMetadata().getAnnotations()).isNull();
    assertThat(trimmed.getData()).containsKey("V1__a.sql");
  }

  @Test
  void theStoreKeepsTrimmedObjects() {
    var store = CacheTrim.<ConfigMap>store();
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("m")
            .withNamespace("ns")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("helm").build())
            .endMetadata()
            .build();

    store.put(store.getKey(configMap), configMap);

    assertThat(store.get(store.getKey(configMap)).getMetadata().getManagedFields()).isNull();
  }

  @Test
  void onlyAnInformerOfItsOwnGetsATrimmingStore() {
    assertThat(CacheTrim.<ConfigMap>storeFor(Set.of("JOSDK_ALL_NAMESPACES"))).isNotNull();
    assertThat(CacheTrim.<ConfigMap>storeFor(Set.of("team-a"))).isNotNull();
    assertThat(CacheTrim.<ConfigMap>storeFor(Set.of("team-a", "team-b"))).isNull();
  }
}
