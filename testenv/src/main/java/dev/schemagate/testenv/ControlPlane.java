package dev.schemagate.testenv;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager
 * (Deployments make ReplicaSets make Pods, Jobs make Pods, owners' children are garbage-collected).
 * No kubelet and no scheduler: pods stay Pending unless a test or the local node acts on them.
 * SchemaGate's CRDs and pod admission policy are installed at start. Clients authenticate with a
 * static token in system:masters; ports are picked free at start.
 */
public final class ControlPlane implements AutoCloseable {
  static final String CONTROLLERS =
      "deployment,replicaset,job,garbagecollector,namespace,serviceaccount";
  private static final Duration STARTUP = Duration.ofSeconds(90);

  private final Path dir;
  private final String server;
  private final String token;
  private final List<LocalProcess> processes = new ArrayList<>();

  private ControlPlane(Path dir, String server, String token) {
    this.dir = dir;
    this.server = server;
    this.token = token;
  }

  /** Starts a control plane whose state and logs live in a new directory under {@code parent}. */
  public static ControlPlane start(Path parent) throws IOException, InterruptedException {
    var bin = Binaries.dir();
    Files.createDirectories(parent);
    var dir = Files.createTempDirectory(parent, "control-plane-");
    var token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    int etcdPort = freePort(), peerPort = freePort(), apiPort = freePort();
    var plane = new ControlPlane(dir, "https://127.0.0.1:" + apiPort, token);
    try {
      plane.writeCredentials();
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
      plane.run(
          "kube-apiserver",
          List.of(
              bin.resolve("kube-apiserver").toString(),
              "--etcd-servers=http://127.0.0.1:" + etcdPort,
              "--bind-address=127.0.0.1",
              "--advertise-address=127.0.0.1",
              // No Endpoints for the kubernetes Service: a loopback address there is an error every
              // 10 s.
              "--endpoint-reconciler-type=none",
              "--secure-port=" + apiPort,
              "--cert-dir=" + dir.resolve("pki"),
              "--token-auth-file=" + dir.resolve("tokens.csv"),
              "--authorization-mode=RBAC",
              "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
              "--service-account-key-file=" + dir.resolve("sa.key"),
              "--service-account-signing-key-file=" + dir.resolve("sa.key"),
              "--service-cluster-ip-range=10.0.0.0/24",
              // Pods need no token Secret: nothing here runs in-cluster clients.
              "--disable-admission-plugins=ServiceAccount",
              "--allow-privileged=true",
              "--enable-priority-and-fairness=false"));
      plane.awaitReady();
      // Before the controller manager: its garbage collector looks for new resource types only
      // every 30 s, and must know SchemaMigrations to collect their Jobs.
      try (var client = plane.client()) {
        installSchemaGate(client);
      }
      plane.run(
          "kube-controller-manager",
          List.of(
              bin.resolve("kube-controller-manager").toString(),
              "--kubeconfig=" + plane.kubeconfig(),
              "--controllers=" + CONTROLLERS,
              "--leader-elect=false",
              "--secure-port=0",
              "--use-service-account-credentials=false"));
      return plane;
    } catch (IOException | InterruptedException | RuntimeException e) {
      plane.close();
      throw e;
    }
  }

  public String server() {
    return server;
  }

  public Path dir() {
    return dir;
  }

  /** A kubeconfig for kubectl, helm and the operator. */
  public Path kubeconfig() {
    return dir.resolve("kubeconfig");
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

  /**
   * Installs SchemaGate's cluster-wide parts into any cluster as the chart does: the committed CRDs
   * of this checkout (crds/), waiting until they are served, and the chart's pod admission policy.
   */
  public static void installSchemaGate(KubernetesClient client)
      throws IOException, InterruptedException {
    var root = Binaries.testenvDir().getParent();
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
    var policy =
        new ProcessBuilder(
                Binaries.of("helm").toString(),
                "template",
                "schemagate",
                root.resolve("charts/schemagate").toString(),
                "--show-only",
                "templates/pod-admission-policy.yaml")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    var yaml = policy.getInputStream().readAllBytes();
    if (policy.waitFor() != 0) {
      throw new IllegalStateException("helm template of the pod admission policy failed");
    }
    client.load(new java.io.ByteArrayInputStream(yaml)).serverSideApply();
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
    processes.add(LocalProcess.start(name, dir.resolve(name + ".log"), command));
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

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
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
