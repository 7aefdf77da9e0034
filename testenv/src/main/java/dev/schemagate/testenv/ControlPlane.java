package dev.schemagate.testenv;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager
 * (Deployments make ReplicaSets make Pods, Jobs make Pods, owners' children are garbage-collected)
 * and kube-scheduler, which binds pods to schedulable Nodes. No kubelet: a pod is bound only once a
 * Node is registered (the local node, {@code node.LocalNode}), and runs only if that node runs it;
 * without one, pods stay Pending (PodScheduled=False) unless a test plays the kubelet. SchemaGate's
 * CRDs and pod admission policy are installed at start. Clients authenticate with a static token in
 * system:masters, nodes with client certificates of the environment's {@link CertificateAuthority}
 * (the Node authorizer and NodeRestriction admission check them as a cluster does), and the API
 * server calls kubelets with a certificate of that authority too; ports are picked free at start.
 * Each component logs to {@code <dir>/<name>.log}.
 *
 * <p>By default the API server serves what Kubernetes 1.37 serves by default,
 * MutatingAdmissionPolicy included; {@link Options#withoutMutatingAdmissionPolicy()} starts one
 * that does not serve it, as a cluster before 1.36 or with the API switched off. {@link
 * Options#withKubelets()} adds what a cluster runs for the pods of real kubelets ({@code
 * kubelet.RealNode}).
 */
public final class ControlPlane implements AutoCloseable {
  static final String CONTROLLERS =
      "deployment,replicaset,job,garbagecollector,namespace,serviceaccount";
  private static final Duration STARTUP = Duration.ofSeconds(90);

  /** The kind that the chart's MutatingAdmissionPolicy is guarded by, as helm names it. */
  static final String MUTATING_ADMISSION_POLICY_API =
      "admissionregistration.k8s.io/v1/MutatingAdmissionPolicy";

  /** How this control plane differs from a default Kubernetes 1.37 cluster. */
  public record Options(boolean mutatingAdmissionPolicy, boolean kubelets) {
    /** As Kubernetes 1.37 by default: MutatingAdmissionPolicy is served and admits. */
    public static Options defaults() {
      return new Options(true, false);
    }

    /**
     * What a cluster runs for the pods of real kubelets: the ServiceAccount admission plugin (each
     * pod gets its service account's token volume), the controllers that publish {@code
     * kube-root-ca.crt} and fill legacy token Secrets, and the node lifecycle controller (a Node
     * whose kubelet stops renewing its Lease goes NotReady; a Ready one loses its not-ready taint).
     * Off by default: the local node plays the last part itself, and pods that tests create right
     * after their namespace would race the service account controller's "default".
     */
    public Options withKubelets() {
      return new Options(mutatingAdmissionPolicy, true);
    }

    /**
     * No MutatingAdmissionPolicy: neither its resources nor its admission plugin, as on a cluster
     * before 1.36 (where the API was alpha or beta and off by default) or one that switched it off.
     */
    public static Options withoutMutatingAdmissionPolicy() {
      return new Options(false, false);
    }

    List<String> apiserverFlags() {
      var flags = new ArrayList<String>();
      if (!kubelets) {
        // Pods need no token: nothing the local node runs is an in-cluster client.
        flags.add("--disable-admission-plugins=ServiceAccount");
      }
      if (!mutatingAdmissionPolicy) {
        // The feature gate only turns the admission plugin off; the resources are served by
        // --runtime-config alone. v1beta1 and v1alpha1 are off by default. Both are needed: the
        // plugin without its resources would refuse every request as "not yet ready".
        flags.add("--feature-gates=MutatingAdmissionPolicy=false");
        flags.add(
            "--runtime-config=admissionregistration.k8s.io/v1/mutatingadmissionpolicies=false,"
                + "admissionregistration.k8s.io/v1/mutatingadmissionpolicybindings=false");
      }
      return flags;
    }

    String controllers() {
      return kubelets
          ? CONTROLLERS
              + ",serviceaccount-token-controller,root-ca-certificate-publisher-controller"
              + ",node-lifecycle-controller"
          : CONTROLLERS;
    }
  }

  /** The name of the API server's client certificate for kubelets, as kubeadm names it. */
  static final String KUBELET_CLIENT = "kube-apiserver-kubelet-client";

  private final Path dir;
  private final String server;
  private final String token;
  private final CertificateAuthority authority;
  private final List<LocalProcess> processes = new ArrayList<>();
  private final Map<String, List<String>> commands = new HashMap<>();

  private ControlPlane(Path dir, String server, String token, CertificateAuthority authority) {
    this.dir = dir;
    this.server = server;
    this.token = token;
    this.authority = authority;
  }

  /** Starts a control plane whose state and logs live in a new directory under {@code parent}. */
  public static ControlPlane start(Path parent) throws IOException, InterruptedException {
    return start(parent, Options.defaults());
  }

  /** As {@link #start(Path)}, with the API server configured by {@code options}. */
  public static ControlPlane start(Path parent, Options options)
      throws IOException, InterruptedException {
    var bin = Binaries.dir();
    Files.createDirectories(parent);
    // Absolute: a real node hands these paths to processes in a mount namespace of its own.
    var dir = Files.createTempDirectory(parent, "control-plane-").toAbsolutePath();
    var token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    int etcdPort = Ports.freeLoopbackPort();
    int peerPort = Ports.freeLoopbackPort();
    int apiPort = Ports.freeLoopbackPort();
    var authority = CertificateAuthority.create(dir.resolve("pki"));
    var plane = new ControlPlane(dir, "https://127.0.0.1:" + apiPort, token, authority);
    try {
      plane.writeCredentials();
      var serving =
          authority.issue(
              "apiserver",
              "/CN=kube-apiserver",
              CertificateAuthority.Usage.SERVER,
              List.of(
                  "127.0.0.1",
                  "10.0.0.1",
                  "localhost",
                  "kubernetes",
                  "kubernetes.default",
                  "kubernetes.default.svc",
                  "kubernetes.default.svc.cluster.local"));
      var kubeletClient =
          authority.issue(
              KUBELET_CLIENT,
              "/CN=" + KUBELET_CLIENT,
              CertificateAuthority.Usage.CLIENT,
              List.of());
      plane.run(
          "etcd",
          List.of(
              bin.resolve("etcd").toString(),
              "--name=default",
              "--data-dir=" + dir.resolve("etcd"),
              "--listen-client-urls=http://127.0.0.1:" + etcdPort,
              "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
              "--listen-peer-urls=http://127.0.0.1:" + peerPort,
              "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
              "--initial-cluster=default=http://127.0.0.1:" + peerPort,
              // Test data: losing it on a crash is fine, waiting for fsync is not.
              "--unsafe-no-fsync",
              "--log-level=warn"));
      var apiserver =
          new ArrayList<>(
              List.of(
                  bin.resolve("kube-apiserver").toString(),
                  "--etcd-servers=http://127.0.0.1:" + etcdPort,
                  "--bind-address=127.0.0.1",
                  "--advertise-address=127.0.0.1",
                  // No Endpoints for the kubernetes Service: a loopback address there is an
                  // error every 10 s.
                  "--endpoint-reconciler-type=none",
                  "--secure-port=" + apiPort,
                  "--tls-cert-file=" + serving.certificate(),
                  "--tls-private-key-file=" + serving.key(),
                  "--client-ca-file=" + authority.certificate(),
                  "--token-auth-file=" + dir.resolve("tokens.csv"),
                  "--authorization-mode=Node,RBAC",
                  "--enable-admission-plugins=NodeRestriction",
                  "--kubelet-client-certificate=" + kubeletClient.certificate(),
                  "--kubelet-client-key=" + kubeletClient.key(),
                  "--kubelet-certificate-authority=" + authority.certificate(),
                  // A kubelet here has no name that resolves, only the address it is given.
                  "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                  "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                  "--service-account-key-file=" + dir.resolve("sa.key"),
                  "--service-account-signing-key-file=" + dir.resolve("sa.key"),
                  "--service-cluster-ip-range=10.0.0.0/24",
                  "--allow-privileged=true",
                  "--enable-priority-and-fairness=false"));
      apiserver.addAll(options.apiserverFlags());
      plane.run("kube-apiserver", apiserver);
      plane.awaitReady();
      // Before the controller manager: its garbage collector looks for new resource types only
      // every 30 s, and must know SchemaMigrations to collect their Jobs.
      try (var client = plane.client()) {
        installSchemaGate(client);
        allowKubeletCalls(client);
      }
      plane.run(
          "kube-controller-manager",
          List.of(
              bin.resolve("kube-controller-manager").toString(),
              "--kubeconfig=" + plane.kubeconfig(),
              "--controllers=" + options.controllers(),
              "--leader-elect=false",
              "--secure-port=0",
              "--use-service-account-credentials=false",
              // What kube-root-ca.crt publishes, and the key of legacy token Secrets.
              "--root-ca-file=" + authority.certificate(),
              "--service-account-private-key-file=" + dir.resolve("sa.key"),
              // A stopped kubelet's Node goes NotReady after 20 s rather than 50 s: its Lease is
              // renewed every 10 s.
              "--node-monitor-grace-period=20s"));
      plane.run(
          "kube-scheduler",
          List.of(
              bin.resolve("kube-scheduler").toString(),
              "--kubeconfig=" + plane.kubeconfig(),
              "--leader-elect=false",
              // No serving port (no healthz or metrics): nothing reads them, and the default
              // *:10259 would clash between parallel runs.
              "--secure-port=0"));
      return plane;
    } catch (IOException | InterruptedException | RuntimeException e) {
      plane.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  /** The URL of the API server. */
  public String server() {
    return server;
  }

  /** The authority that the API server trusts for clients and kubelets, and serves with. */
  public CertificateAuthority authority() {
    return authority;
  }

  /**
   * Lets the API server's client certificate call kubelets' API (logs, exec, port-forward): the
   * kubelet asks the API server whether it may, as kubeadm's clusters allow.
   */
  private static void allowKubeletCalls(KubernetesClient client) {
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(KUBELET_CLIENT)
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("system:kubelet-api-admin")
                .endRoleRef()
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(KUBELET_CLIENT)
                .endSubject()
                .build())
        .serverSideApply();
  }

  /** A kubeconfig for kubectl, helm and the operator. */
  public Path kubeconfig() {
    return dir.resolve("kubeconfig");
  }

  /**
   * Environment variables that point a fabric8 client at this plane as a pod's client is pointed at
   * its cluster: a server and a bearer token, with no kubeconfig read. The operator process still
   * gets $KUBECONFIG, which these tell it to leave unread. Reading a kubeconfig makes fabric8 map
   * every model class it ships, some 690 classes (gateway API, resource.k8s.io, ...) that the
   * chart's in-cluster operator never loads.
   */
  public Map<String, String> inClusterEnvironment() {
    return Map.of(
        "KUBERNETES_MASTER", server,
        "KUBERNETES_AUTH_TOKEN", token,
        "KUBERNETES_TRUST_CERTIFICATES", "true",
        "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
  }

  public Config config() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(server)
        .withOauthToken(token)
        .withTrustCerts(true)
        .withNamespace("default")
        .build();
  }

  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** The chart's admission policies: for pods (the gate), and for SchemaMigrations. */
  private static final List<String> ADMISSION_POLICIES =
      List.of(
          "templates/pod-admission-policy.yaml", "templates/schemamigration-admission-policy.yaml");

  /**
   * Installs SchemaGate's cluster-wide parts into any cluster as the chart does: the committed CRDs
   * of this checkout (crds/), waiting until they are served, and the chart's admission policies,
   * rendered for what the cluster serves (the MutatingAdmissionPolicy part only where that API is).
   */
  public static void installSchemaGate(KubernetesClient client)
      throws IOException, InterruptedException {
    var root = Binaries.repoRoot();
    try (var files = Files.list(root.resolve("crds"))) {
      for (var file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (var in = Files.newInputStream(file)) {
          var crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).serverSideApply();
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(crd.getMetadata().getName())
              .waitUntilCondition(ControlPlane::established, 30, TimeUnit.SECONDS);
        }
      }
    }
    var chart = root.resolve("charts/schemagate");
    var map = servesMutatingAdmissionPolicy(client);
    for (var template : ADMISSION_POLICIES) {
      var yaml = render(chart, template, map);
      if (!yaml.isBlank()) {
        client
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .serverSideApply();
      }
    }
  }

  /**
   * Whether the API server serves MutatingAdmissionPolicy in admissionregistration.k8s.io/v1, the
   * version the chart's policy is written in.
   */
  public static boolean servesMutatingAdmissionPolicy(KubernetesClient client) {
    APIResourceList resources;
    try {
      resources = client.getApiResources("admissionregistration.k8s.io/v1");
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
    return resources != null
        && resources.getResources().stream()
            .anyMatch(r -> r.getName().equals("mutatingadmissionpolicies"));
  }

  /**
   * The chart's templates/pod-admission-policy.yaml as `helm template` renders it for a cluster
   * that does or does not serve MutatingAdmissionPolicy: helm without a cluster knows group
   * versions, not kinds, so the kind the chart checks for is passed with --api-versions when it is
   * served. Empty when the template renders nothing.
   */
  public static String renderPodAdmissionPolicy(Path chart, boolean mutatingAdmissionPolicy)
      throws IOException, InterruptedException {
    return render(chart, ADMISSION_POLICIES.get(0), mutatingAdmissionPolicy);
  }

  private static String render(Path chart, String template, boolean mutatingAdmissionPolicy)
      throws IOException, InterruptedException {
    var command =
        new ArrayList<>(
            List.of(
                Binaries.of("helm").toString(),
                "template",
                "schemagate",
                chart.toString(),
                "--show-only",
                template));
    if (mutatingAdmissionPolicy) {
      command.add("--api-versions=" + MUTATING_ADMISSION_POLICY_API);
    }
    var helm = Command.run(command, null, Duration.ofSeconds(60));
    if (helm.exitCode() == 0) {
      return helm.stdout();
    }
    // helm's --show-only fails on a template that renders to nothing (e.g. everything in it is
    // switched off by values or capabilities); that is an empty render, not an error.
    if (Files.isRegularFile(chart.resolve(template))
        && helm.stderr().contains("could not find template " + template)) {
      return "";
    }
    throw new IllegalStateException("helm template of " + template + " failed: " + helm);
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void writeCredentials() throws IOException {
    Files.writeString(dir.resolve("tokens.csv"), token + ",admin,admin,system:masters\n");
    var pem = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(serviceAccountKey());
    Files.writeString(
        dir.resolve("sa.key"),
        "-----BEGIN PRIVATE KEY-----\n" + pem + "\n-----END PRIVATE KEY-----\n");
    Files.writeString(
        kubeconfig(),
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: schemagate-local
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: admin
          user:
            token: %s
        contexts:
        - name: schemagate-local
          context: {cluster: schemagate-local, user: admin, namespace: default}
        current-context: schemagate-local
        """
            .formatted(server, token));
  }

  /** PKCS#8 RSA key the apiserver signs (and checks) service-account tokens with. */
  private static byte[] serviceAccountKey() {
    try {
      var keys = KeyPairGenerator.getInstance("RSA");
      keys.initialize(2048);
      return keys.generateKeyPair().getPrivate().getEncoded();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has RSA", e);
    }
  }

  private void run(String name, List<String> command) throws IOException {
    commands.put(name, command);
    processes.add(LocalProcess.start(name, dir.resolve(name + ".log"), command));
  }

  /**
   * Stops one of the plane's processes ("etcd", "kube-apiserver", ...) as {@link #close()} does,
   * starts it again with the same flags and data, and waits until the API server is ready again.
   */
  public void restart(String name) throws IOException, InterruptedException {
    for (int i = 0; i < processes.size(); i++) {
      if (processes.get(i).name().equals(name)) {
        processes.get(i).close();
        processes.set(i, LocalProcess.start(name, dir.resolve(name + ".log"), commands.get(name)));
        awaitReady();
        return;
      }
    }
    throw new IllegalArgumentException("no process " + name + " in the control plane");
  }

  private void awaitReady() throws InterruptedException {
    var http =
        HttpClient.newBuilder()
            .sslContext(trustAll())
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    var request =
        HttpRequest.newBuilder(URI.create(server + "/readyz"))
            .header("Authorization", "Bearer " + token)
            .build();
    var deadline = Instant.now().plus(STARTUP);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      for (var p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(p.name() + " exited during start-up; see " + p.log());
        }
      }
      try {
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "kube-apiserver not ready after " + STARTUP + ": " + last + "; logs in " + dir);
  }

  private static SSLContext trustAll() {
    try {
      // The apiserver's serving certificate is self-signed at start; loopback only.
      var context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
  }
}
