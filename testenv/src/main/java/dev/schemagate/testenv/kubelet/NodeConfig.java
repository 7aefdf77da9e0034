package dev.schemagate.testenv.kubelet;

import dev.schemagate.testenv.CertificateAuthority;
import java.nio.file.Path;

/** The configuration files of a {@link RealNode}: what they say, as text. */
final class NodeConfig {
  private NodeConfig() {}

  /**
   * containerd's: the CRI plugin with runc through cgroupfs, a local pause image, and CNI from
   * Debian's plugins with the node's own configuration directory.
   */
  static String containerd(Path dir, String socket, String pauseImage) {
    // Root and state are containerd's defaults, in the namespace's own /var/lib and /run: short
    // paths, as its sockets and overlay mount options need.
    return """
    version = 2
    root = "/var/lib/containerd"
    state = "/run/containerd"
    # No /opt/containerd (the opt plugin), and no snapshotters that this machine cannot use.
    disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs", \
    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", \
    "io.containerd.snapshotter.v1.aufs"]

    [grpc]
      address = "%2$s"

    [plugins."io.containerd.grpc.v1.cri"]
      sandbox_image = "%3$s"
      # Without CAP_SYS_RESOURCE runc cannot lower a sandbox's oom_score_adj, and every pod
      # sandbox fails to start ("can't get final child's PID from pipe: EOF").
      restrict_oom_score_adj = true
      stream_server_address = "127.0.0.1"
      [plugins."io.containerd.grpc.v1.cri".containerd]
        snapshotter = "overlayfs"
        default_runtime_name = "runc"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            SystemdCgroup = false
      [plugins."io.containerd.grpc.v1.cri".cni]
        bin_dir = "/usr/lib/cni"
        conf_dir = "%1$s/cni"
    """
        .formatted(dir, socket, pauseImage);
  }

  /**
   * The pods' network: a bridge in the node's network namespace, an address for each pod from
   * {@code subnet} (host-local, its leases in {@code dataDir}), the bridge as their gateway. No
   * masquerade and no route out: pods reach only the node and each other. containerd adds loopback
   * itself.
   */
  static String podNetwork(String subnet, Path dataDir) {
    return """
    {
      "cniVersion": "1.0.0",
      "name": "pods",
      "plugins": [{
        "type": "bridge",
        "bridge": "cni0",
        "isGateway": true,
        "ipMasq": false,
        "hairpinMode": true,
        "ipam": {
          "type": "host-local",
          "ranges": [[{"subnet": "%s"}]],
          "routes": [{"dst": "0.0.0.0/0"}],
          "dataDir": "%s"
        }
      }]
    }
    """
        .formatted(subnet, dataDir.resolve("ipam"));
  }

  /**
   * The kubelet's: cgroup v1 through cgroupfs, serving on loopback with a certificate of the
   * environment's authority, asking the API server who may call it, and evicting nothing for the
   * machine's disk or memory, which other work shares.
   */
  static String kubelet(
      String socket, int port, CertificateAuthority.KeyPair serving, Path clientAuthority) {
    return """
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    # This machine's cgroups are v1; the kubelet refuses them unless told otherwise.
    failCgroupV1: false
    cgroupDriver: cgroupfs
    containerRuntimeEndpoint: unix://%s
    address: 127.0.0.1
    port: %d
    readOnlyPort: 0
    healthzPort: 0
    tlsCertFile: %s
    tlsPrivateKeyFile: %s
    authentication:
      anonymous: {enabled: false}
      webhook: {enabled: true}
      x509: {clientCAFile: %s}
    authorization:
      mode: Webhook
    failSwapOn: false
    serializeImagePulls: false
    imageGCHighThresholdPercent: 100
    imageGCLowThresholdPercent: 99
    evictionHard:
      memory.available: "1Mi"
      nodefs.available: "1%%"
      nodefs.inodesFree: "1%%"
      imagefs.available: "1%%"
    """
        .formatted(socket, port, serving.certificate(), serving.key(), clientAuthority);
  }

  /** The kubelet's client configuration: its node certificate, and the authority to trust. */
  static String kubeconfig(
      String server, Path authority, CertificateAuthority.KeyPair clientCertificate) {
    return """
    apiVersion: v1
    kind: Config
    clusters:
    - name: schemagate-local
      cluster: {server: "%s", certificate-authority: "%s"}
    users:
    - name: node
      user: {client-certificate: "%s", client-key: "%s"}
    contexts:
    - name: node
      context: {cluster: schemagate-local, user: node}
    current-context: node
    """
        .formatted(server, authority, clientCertificate.certificate(), clientCertificate.key());
  }
}
