package dev.schemagate.testenv.node;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** The Node object and its Lease in kube-node-lease, kept as a kubelet keeps them. */
final class NodeRegistration {
  static final String LEASE_NAMESPACE = "kube-node-lease";
  static final int LEASE_SECONDS = 40;
  private static final String MANAGER = "schemagate-local-node";

  private final KubernetesClient client;
  private final String name;
  private String uid;

  NodeRegistration(KubernetesClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** Creates or takes over the Node, Ready, with this machine's capacity. */
  void register() {
    var arch =
        System.getProperty("os.arch").equals("aarch64") ? "arm64" : System.getProperty("os.arch");
    var node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .withLabels(
                Map.of(
                    "kubernetes.io/hostname",
                    name,
                    "kubernetes.io/os",
                    "linux",
                    "kubernetes.io/arch",
                    arch))
            .endMetadata()
            .build();
    uid =
        client
            .nodes()
            .resource(node)
            .fieldManager(MANAGER)
            .forceConflicts()
            .serverSideApply()
            .getMetadata()
            .getUid();
    var status = status(arch);
    client
        .nodes()
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(Map.of("status", status)));
    renewLease();
  }

  /**
   * What a kubelet does every 10 s; without it a node-lifecycle controller would evict the pods.
   */
  void renewLease() {
    var lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(LEASE_NAMESPACE)
            .addNewOwnerReference()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(name)
            .withUid(uid)
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(name)
            .withLeaseDurationSeconds(LEASE_SECONDS)
            .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
            .endSpec()
            .build();
    client
        .leases()
        .inNamespace(LEASE_NAMESPACE)
        .resource(lease)
        .fieldManager(MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  private NodeStatus status(String arch) {
    var memory =
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    var capacity =
        Map.of(
            "cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())),
            "memory", new Quantity(Long.toString(memory)),
            "pods", new Quantity("110"));
    var now = LocalNode.time(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    return new NodeStatusBuilder()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .withConditions(
            condition(
                "Ready", "True", "KubeletReady", "local node runs pods as local processes", now),
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "", now),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "", now),
            condition("PIDPressure", "False", "KubeletHasSufficientPID", "", now))
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(LocalNode.IP)
        .endAddress()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(name)
        .endAddress()
        .withNewNodeInfo()
        .withKubeletVersion(client.getKubernetesVersion().getGitVersion())
        .withOperatingSystem("linux")
        .withArchitecture(arch)
        .withContainerRuntimeVersion("local://schemagate")
        .withOsImage(System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .withKernelVersion(System.getProperty("os.version"))
        .endNodeInfo()
        .build();
  }

  private static NodeCondition condition(
      String type, String status, String reason, String message, String now) {
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastHeartbeatTime(now)
        .withLastTransitionTime(now)
        .build();
  }
}
