package dev.schemagate.testenv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NamespaceListVisitFromServerGetDeleteRecreateWaitApplicable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two control planes testenv starts: the default one serves MutatingAdmissionPolicy (GA in
 * admissionregistration.k8s.io/v1 since Kubernetes 1.36) and admits through it; the other does not
 * serve it anywhere, and still admits pods and SchemaGate's ValidatingAdmissionPolicy. And what
 * installSchemaGate renders of the chart for each.
 */
class MutatingAdmissionPolicyModesIT {
  private static final String GROUP_VERSION = "admissionregistration.k8s.io/v1";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static KubernetesClient withoutClient;

  @TempDir Path tmp;

  @AfterAll
  static void closeClient() {
    if (withoutClient != null) {
      withoutClient.close();
    }
  }

  private static synchronized KubernetesClient withoutMap() {
    if (withoutClient == null) {
      withoutClient = Cluster.withoutMutatingAdmissionPolicy().client();
    }
    return withoutClient;
  }

  @Test
  void defaultPlaneServesMutatingAdmissionPolicy() {
    var client = Cluster.client();

    assertThat(resources(client, GROUP_VERSION))
        .contains(
            "mutatingadmissionpolicies",
            "mutatingadmissionpolicybindings",
            "validatingadmissionpolicies");
    assertThat(ControlPlane.servesMutatingAdmissionPolicy(client)).isTrue();
  }

  @Test
  void defaultPlaneMutatesPodsThroughAPolicyAppliedAsTheInstallerDoes() {
    var client = Cluster.client();
    var ns = "map-" + Long.toHexString(System.nanoTime());
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    // Applied the way installSchemaGate applies the chart's render: fabric8 7.5 has no model of the
    // v1 kind, so this goes through its generic resources and discovery.
    var policy = policyAddingAGate(ns);
    load(client, policy).serverSideApply();
    try {
      // The plugin picks a new policy up from its informer: until then pods pass unchanged.
      var mutated =
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> client.pods().inNamespace(ns).resource(pod("p")).dryRun().create(),
                  p -> !p.getSpec().getSchedulingGates().isEmpty());

      assertThat(mutated.getSpec().getSchedulingGates())
          .extracting(PodSchedulingGate::getName)
          .containsExactly("schemagate.dev/test");
    } finally {
      load(client, policy).delete();
      client.namespaces().withName(ns).delete();
    }
  }

  @Test
  void secondPlaneServesNoMutatingAdmissionPolicy() {
    var client = withoutMap();

    var v1 = resources(client, GROUP_VERSION);
    assertThat(v1).contains("validatingadmissionpolicies", "validatingadmissionpolicybindings");
    assertThat(v1).noneMatch(r -> r.startsWith("mutatingadmissionpolic"));
    assertThat(ControlPlane.servesMutatingAdmissionPolicy(client)).isFalse();
    // Nor in the older versions, which are off by default.
    assertThat(client.getApiGroup("admissionregistration.k8s.io").getVersions())
        .extracting(v -> v.getGroupVersion())
        .containsExactly(GROUP_VERSION);
    assertThatThrownBy(() -> load(client, policyAddingAGate("default")).serverSideApply())
        .isInstanceOf(KubernetesClientException.class);
  }

  @Test
  void secondPlaneAdmitsPodsAndHasSchemaGatesValidatingPolicy() {
    var client = withoutMap();

    // With the admission plugin on but its resources not served, every write would be refused
    // ("not yet ready to handle request"); a pod passes, so the plugin is off too.
    var created = client.pods().inNamespace("default").resource(pod("plain")).dryRun().create();
    assertThat(created.getSpec().getSchedulingGates()).isEmpty();
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .validatingAdmissionPolicies()
                .withName("schemagate-hold-deployment-pods")
                .get())
        .isNotNull();
  }

  @Test
  void renderPassesTheMutatingAdmissionPolicyKindOnlyWhenServed() throws Exception {
    var chart =
        chart(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: always}
            {{- if .Capabilities.APIVersions.Has "admissionregistration.k8s.io/v1/MutatingAdmissionPolicy" }}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: with-map}
            {{- end }}
            """);

    assertThat(ControlPlane.renderPodAdmissionPolicy(chart, true))
        .contains("name: always", "name: with-map");
    assertThat(ControlPlane.renderPodAdmissionPolicy(chart, false))
        .contains("name: always")
        .doesNotContain("with-map");
  }

  @Test
  void renderOfATemplateThatRendersNothingIsEmpty() throws Exception {
    var chart =
        chart(
            """
            {{- if .Capabilities.APIVersions.Has "admissionregistration.k8s.io/v1/MutatingAdmissionPolicy" }}
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: with-map}
            {{- end }}
            """);

    assertThat(ControlPlane.renderPodAdmissionPolicy(chart, false)).isEmpty();
    assertThat(ControlPlane.renderPodAdmissionPolicy(chart, true)).contains("name: with-map");
    Files.delete(chart.resolve("templates/pod-admission-policy.yaml"));
    assertThatThrownBy(() -> ControlPlane.renderPodAdmissionPolicy(chart, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not find template");
  }

  private Path chart(String template) throws IOException {
    var chart = tmp.resolve("chart");
    Files.createDirectories(chart.resolve("templates"));
    Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: t\nversion: 0.1.0\n");
    Files.writeString(chart.resolve("templates/pod-admission-policy.yaml"), template);
    return chart;
  }

  private static List<String> resources(KubernetesClient client, String groupVersion) {
    return client.getApiResources(groupVersion).getResources().stream()
        .map(APIResource::getName)
        .toList();
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("shell")
        .endContainer()
        .endSpec()
        .build();
  }

  private static NamespaceListVisitFromServerGetDeleteRecreateWaitApplicable<HasMetadata> load(
      KubernetesClient client, String yaml) {
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** A MutatingAdmissionPolicy and its binding that add a scheduling gate to pods of {@code ns}. */
  private static String policyAddingAGate(String ns) {
    return """
    apiVersion: admissionregistration.k8s.io/v1
    kind: MutatingAdmissionPolicy
    metadata: {name: test-gate-%1$s}
    spec:
      failurePolicy: Fail
      reinvocationPolicy: Never
      matchConstraints:
        resourceRules:
          - apiGroups: [""]
            apiVersions: [v1]
            operations: [CREATE]
            resources: [pods]
      mutations:
        - patchType: ApplyConfiguration
          applyConfiguration:
            expression: >
              Object{spec: Object.spec{schedulingGates: [Object.spec.schedulingGates{name: "schemagate.dev/test"}]}}
    ---
    apiVersion: admissionregistration.k8s.io/v1
    kind: MutatingAdmissionPolicyBinding
    metadata: {name: test-gate-%1$s}
    spec:
      policyName: test-gate-%1$s
      matchResources:
        namespaceSelector:
          matchLabels: {kubernetes.io/metadata.name: %1$s}
    """
        .formatted(ns);
  }
}
