package dev.schemagate.testenv.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Node object and its Lease in kube-node-lease, kept as a kubelet keeps them: a Node the
 * default scheduler binds pods to (Ready, room for many pods, untainted), until {@link #stopped}.
 * It also does the node lifecycle controller's part for this Node (its readiness taints), as
 * kube-controller-manager here does not run that controller.
 */
final class NodeRegistration {
  static final String LEASE_NAMESPACE = "kube-node-lease";
  static final int LEASE_SECONDS = 40;
  private static final String MANAGER = "schemagate-local-node";
  private static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  private static final Set<String> READINESS_TAINTS =
      Set.of("node.kubernetes.io/not-ready", UNREACHABLE);
  private static final String ARCH =
      System.getProperty("os.arch").equals("aarch64") ? "arm64" : System.getProperty("os.arch");

  /**
   * Generous, not this machine's: requests reserve nothing here (every pod is a process of this
   * user), and the scheduler must never find the node full, even with many tests' pods bound to it.
   */
  private static final Map<String, Quantity> CAPACITY =
      Map.of(
          "cpu", new Quantity("64"),
          "memory", new Quantity("256Gi"),
          "ephemeral-storage", new Quantity("1Ti"),
          "pods", new Quantity("500"));

  private final KubernetesClient client;
  private final String name;
  private String uid;

  NodeRegistration(KubernetesClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /**
   * Creates or takes over the Node, Ready, then clears the taints that say otherwise: the API
   * server's TaintNodesByCondition admission gives every new Node not-ready:NoSchedule, and an
   * earlier {@link #stopped} left unreachable:NoSchedule; the node lifecycle controller would
   * remove either once the Node is Ready.
   */
  void register() {
    uid = apply().getMetadata().getUid();
    patchStatus(status(readyNow()));
    editTaints(taints -> taints.removeIf(t -> READINESS_TAINTS.contains(t.getKey())));
    renewLease();
  }

  /**
   * What the node lifecycle controller makes of a node whose kubelet has stopped, without its grace
   * period: Ready=Unknown and the unreachable NoSchedule taint, so that the scheduler binds no more
   * pods to a node that would never run them.
   */
  void stopped() {
    patchStatus(
        status(
            condition(
                "Ready",
                "Unknown",
                "NodeStatusUnknown",
                "the local node has stopped and runs no pods",
                LocalNode.time(Instant.now()))));
    editTaints(
        taints -> {
          if (taints.stream().noneMatch(t -> t.getKey().equals(UNREACHABLE))) {
            taints.add(
                new TaintBuilder()
                    .withKey(UNREACHABLE)
                    .withEffect("NoSchedule")
                    .withTimeAdded(LocalNode.time(Instant.now()))
                    .build());
          }
        });
  }

  private void editTaints(Consumer<List<Taint>> change) {
    client
        .nodes()
        .withName(name)
        .edit(
            node -> {
              var taints = new ArrayList<Taint>(node.getSpec().getTaints());
              change.accept(taints);
              node.getSpec().setTaints(taints);
              return node;
            });
  }

  private Node apply() {
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
                    ARCH))
            .endMetadata()
            .build();
    return client.nodes().resource(node).fieldManager(MANAGER).forceConflicts().serverSideApply();
  }

  private void patchStatus(NodeStatus status) {
    client
        .nodes()
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(Map.of("status", status)));
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

  private static NodeCondition readyNow() {
    return condition(
        "Ready",
        "True",
        "KubeletReady",
        "local node runs pods as local processes",
        LocalNode.time(Instant.now()));
  }

  private NodeStatus status(NodeCondition ready) {
    var now = ready.getLastHeartbeatTime();
    return new NodeStatusBuilder()
        .withCapacity(CAPACITY)
        .withAllocatable(CAPACITY)
        .withConditions(
            ready,
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
        .withArchitecture(ARCH)
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
