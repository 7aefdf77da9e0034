package dev.schemagate.testenv;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * A ResourceQuota of no pods, so that the API server refuses every new pod of the namespace with
 * {@code exceeded quota: no-pods}, as a full quota does. Its status is written here as the quota
 * controller would write it: the control plane runs no quota controller, and admission enforces
 * only the limits a quota's status has (without them, none).
 */
public final class NoPodsQuota {
  public static final String NAME = "no-pods";

  private NoPodsQuota() {}

  public static ResourceQuota create(KubernetesClient client, String namespace) {
    var created =
        client
            .resource(
                new ResourceQuotaBuilder()
                    .withNewMetadata()
                    .withName(NAME)
                    .withNamespace(namespace)
                    .endMetadata()
                    .withNewSpec()
                    .withHard(Map.of("pods", new Quantity("0")))
                    .endSpec()
                    .build())
            .create();
    created.setStatus(
        new ResourceQuotaStatusBuilder()
            .withHard(Map.of("pods", new Quantity("0")))
            .withUsed(Map.of("pods", new Quantity("0")))
            .build());
    return client.resource(created).updateStatus();
  }
}
