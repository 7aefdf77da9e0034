package dev.schemagate.chart;

import static dev.schemagate.chart.Cli.CHART;
import static dev.schemagate.chart.Cli.KUBE_VERSION;
import static dev.schemagate.chart.Cli.helm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schemagate.Main;
import dev.schemagate.OperatorLogging;
import dev.schemagate.gate.PodGate;
import dev.schemagate.reconcile.SchemaMigrationReconciler;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Manifests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The chart as helm renders it, offline: lint, the documents of both RBAC modes, the CRD copy, and
 * the operator Deployment (hardening, probes, and arguments that OperatorCommand really accepts).
 */
class ChartTemplateIT {
  static final String RELEASE = "sg";
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final String NAMESPACE = "schemagate-system";
  static final java.util.Set<String> CLUSTER_SCOPED =
      java.util.Set.of(
          "ClusterRole",
          "ClusterRoleBinding",
          "MutatingAdmissionPolicy",
          "MutatingAdmissionPolicyBinding",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding");

  /**
   * What helm must be told to render the MutatingAdmissionPolicy offline: the kind the chart checks
   * for, which helm install learns from the cluster's discovery.
   */
  static final String WITH_MAP =
      "--api-versions=admissionregistration.k8s.io/v1/MutatingAdmissionPolicy";

  /**
   * The operator's rights, resource to verbs, the same in both modes: what reconciling, holding and
   * releasing need, nothing more (RbacIT measures it).
   */
  /**
   * The pod policies' families and their objectSelectors, in order: all a policy reads before it
   * reads a SchemaMigration, so all that bounds what failurePolicy Fail refuses.
   */
  static final Map<String, List<String>> FAMILIES =
      new java.util.LinkedHashMap<>(
          Map.of(
              "deployment",
              List.of("pod-template-hash Exists"),
              "statefulset",
              List.of(
                  "controller-revision-hash Exists", "statefulset.kubernetes.io/pod-name Exists"),
              "job",
              List.of(
                  "batch.kubernetes.io/job-name Exists", "schemagate.dev/revision DoesNotExist")));

  static final Map<String, List<String>> RULES =
      Map.ofEntries(
          Map.entry("schemagate.dev/schemamigrations", List.of("list", "watch", "patch")),
          Map.entry("schemagate.dev/schemamigrations/status", List.of("patch")),
          Map.entry("schemagate.dev/schemamigrations/finalizers", List.of("update")),
          Map.entry("batch/jobs", List.of("list", "watch", "create", "get")),
          Map.entry("apps/deployments", List.of("list", "watch", "patch", "get")),
          // The other workloads spec.target.workloads names: their images, read-only.
          Map.entry("apps/statefulsets", List.of("list", "watch", "get")),
          Map.entry("batch/cronjobs", List.of("list", "watch", "get")),
          // The nudge of a ReplicaSet whose pods the admission policy refused.
          Map.entry("apps/replicasets", List.of("list", "patch")),
          // Releasing a held pod removes its scheduling gate: a patch. Never create.
          Map.entry("/pods", List.of("list", "watch", "patch", "delete")),
          // A migration pod's log tail: the runner's lock wait line.
          Map.entry("/pods/log", List.of("get")),
          Map.entry("/configmaps", List.of("list", "watch")),
          // A migration Job's FailedCreate Events, read when it has no pod.
          Map.entry("/events", List.of("create", "list")));

  static List<HasMetadata> render(String... set) {
    return render(List.of(), set);
  }

  static List<HasMetadata> render(List<String> flags, String... set) {
    var args =
        new ArrayList<>(
            List.of(
                "template", RELEASE, CHART.toString(), "--namespace=" + NAMESPACE, KUBE_VERSION));
    args.addAll(flags);
    for (var s : set) {
      args.add("--set");
      args.add(s);
    }
    return Manifests.objects(helm(args.toArray(String[]::new)).ok());
  }

  static Deployment deployment(List<HasMetadata> objects) {
    var deployments = Manifests.ofKind(objects, Deployment.class);
    assertThat(deployments).hasSize(1);
    return deployments.get(0);
  }

  static Container operatorContainer(Deployment deployment) {
    var containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(Container::getName).containsExactly("operator");
    return containers.get(0);
  }

  @Test
  void lintsStrictlyInBothModes() {
    var plain = helm("lint", CHART.toString(), "--strict", KUBE_VERSION).ok();
    assertThat(plain).contains("0 chart(s) failed");
    var scoped =
        helm("lint", CHART.toString(), "--strict", KUBE_VERSION, "--set", "watchNamespaces={a,b}")
            .ok();
    assertThat(scoped).contains("0 chart(s) failed");
  }

  @Test
  void rendersAllNamespacesModeWithOneClusterRole() {
    var objects = render();
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "ServiceAccount/sg-schemagate",
            "Role/sg-schemagate-leader-election",
            "RoleBinding/sg-schemagate-leader-election",
            "ClusterRole/sg-schemagate",
            "ClusterRoleBinding/sg-schemagate",
            "ValidatingAdmissionPolicy/sg-schemagate-hold-deployment-pods",
            "ValidatingAdmissionPolicyBinding/sg-schemagate-hold-deployment-pods",
            "ValidatingAdmissionPolicy/sg-schemagate-hold-statefulset-pods",
            "ValidatingAdmissionPolicyBinding/sg-schemagate-hold-statefulset-pods",
            "ValidatingAdmissionPolicy/sg-schemagate-hold-job-pods",
            "ValidatingAdmissionPolicyBinding/sg-schemagate-hold-job-pods",
            "ValidatingAdmissionPolicy/sg-schemagate-one-per-workload",
            "ValidatingAdmissionPolicyBinding/sg-schemagate-one-per-workload",
            "ValidatingAdmissionPolicy/sg-schemagate-one-per-database",
            "ValidatingAdmissionPolicyBinding/sg-schemagate-one-per-database",
            "ValidatingAdmissionPolicy/sg-schemagate-author-may-create-jobs",
            "ValidatingAdmissionPolicyBinding/sg-schemagate-author-may-create-jobs",
            "Deployment/sg-schemagate");
    for (var o : objects) {
      assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", RELEASE);
      if (!CLUSTER_SCOPED.contains(o.getKind())) {
        assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo(NAMESPACE);
      }
    }
    var binding = Manifests.ofKind(objects, ClusterRoleBinding.class).get(0);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("sg-schemagate");
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
    assertThat(Manifests.ofKind(objects, ServiceAccount.class).get(0).getMetadata().getName())
        .isEqualTo(deployment(objects).getSpec().getTemplate().getSpec().getServiceAccountName());
    assertNothingOnSecrets(Manifests.ofKind(objects, ClusterRole.class).get(0).getRules());
    assertThat(rights(Manifests.ofKind(objects, ClusterRole.class).get(0).getRules()))
        .isEqualTo(RULES);
    assertThat(operatorContainer(deployment(objects)).getArgs())
        .noneMatch(a -> a.startsWith("--namespaces"));
  }

  @Test
  void rendersNamespaceScopedModeWithARolePerNamespaceAndNoClusterRights() {
    // One argv element, as a shell would pass --set 'watchNamespaces={a,b}'.
    var objects = render("watchNamespaces={a,b}");
    assertThat(Manifests.ofKind(objects, ClusterRole.class)).isEmpty();
    assertThat(Manifests.ofKind(objects, ClusterRoleBinding.class)).isEmpty();
    var roles =
        Manifests.ofKind(objects, Role.class).stream()
            .filter(r -> r.getMetadata().getName().equals("sg-schemagate"))
            .toList();
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("a", "b");
    roles.forEach(r -> assertNothingOnSecrets(r.getRules()));
    assertThat(roles).allSatisfy(r -> assertThat(rights(r.getRules())).isEqualTo(RULES));
    assertThat(Manifests.ofKind(objects, RoleBinding.class))
        .extracting(b -> b.getMetadata().getNamespace() + "/" + b.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "a/sg-schemagate", "b/sg-schemagate", NAMESPACE + "/sg-schemagate-leader-election");
    var operator = parseOperatorArgs(operatorContainer(deployment(objects)).getArgs());
    assertThat(operator.<List<String>>matchedOptionValue("--namespaces", List.of()))
        .containsExactly("a", "b");
  }

  /**
   * The MutatingAdmissionPolicy only where the cluster serves it (helm's capabilities), the
   * ValidatingAdmissionPolicy always; both hold what the operator releases.
   */
  @Test
  void rendersTheMutatingPolicyOnlyWhereItsApiIsServed() {
    assertThat(render())
        .extracting(HasMetadata::getKind)
        .doesNotContain("MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding")
        .contains("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");

    var objects = render(List.of(WITH_MAP));
    for (var family : FAMILIES.keySet()) {
      assertThat(objects)
          .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
          .contains(
              "MutatingAdmissionPolicy/sg-schemagate-gate-" + family + "-pods",
              "MutatingAdmissionPolicyBinding/sg-schemagate-gate-" + family + "-pods",
              "ValidatingAdmissionPolicy/sg-schemagate-hold-" + family + "-pods",
              "ValidatingAdmissionPolicyBinding/sg-schemagate-hold-" + family + "-pods",
              "MutatingAdmissionPolicy/sg-schemagate-finalizer",
              "MutatingAdmissionPolicyBinding/sg-schemagate-finalizer");
    }
    for (var o : objects) {
      if (o.getKind().startsWith("MutatingAdmissionPolicy")) {
        assertThat(o.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
        assertThat(o.getMetadata().getLabels())
            .containsEntry("app.kubernetes.io/instance", RELEASE);
        assertThat(o.getMetadata().getNamespace()).isNull();
      }
    }
    for (var family : FAMILIES.entrySet()) {
      var gate = "sg-schemagate-gate-" + family.getKey() + "-pods";
      var policy = spec(objects, "MutatingAdmissionPolicy", gate);
      assertThat(policy.path("paramKind").path("kind").asText()).isEqualTo("SchemaMigration");
      var validating =
          spec(
              objects,
              "ValidatingAdmissionPolicy",
              "sg-schemagate-hold-" + family.getKey() + "-pods");
      for (var pods : List.of(policy, validating)) {
        // Closed where they cannot be evaluated, so bounded before any param is read: pods of the
        // family's controllers, outside the system namespaces.
        assertThat(pods.path("failurePolicy").asText()).isEqualTo("Fail");
        var constraints = pods.path("matchConstraints");
        assertThat(constraints.toString()).contains("\"CREATE\"", "\"pods\"");
        assertThat(constraints.path("objectSelector").path("matchExpressions"))
            .extracting(e -> e.path("key").asText() + " " + e.path("operator").asText())
            .containsExactlyElementsOf(family.getValue());
        assertThat(constraints.path("namespaceSelector").toString())
            .contains("NotIn", "kube-system", "kube-public", "kube-node-lease");
      }
      // The gate and label the operator's PodGate removes on release.
      assertThat(policy.path("mutations").toString()).contains(PodGate.GATE, PodGate.HELD_BY);
      var binding = spec(objects, "MutatingAdmissionPolicyBinding", gate);
      assertThat(binding.path("policyName").asText()).isEqualTo(gate);
      assertThat(binding.path("paramRef").path("parameterNotFoundAction").asText())
          .isEqualTo("Allow");
      assertThat(binding.has("matchResources")).isFalse();
      assertThat(validating.path("matchConditions").toString()).contains(PodGate.GATE);
      assertThat(validating.path("validations").toString())
          .contains("SchemaGate holds this image of ");
    }
    assertThat(
            spec(
                    render(List.of(WITH_MAP), "podAdmissionPolicy.failurePolicy=Ignore"),
                    "MutatingAdmissionPolicy",
                    "sg-schemagate-gate-job-pods")
                .path("failurePolicy")
                .asText())
        .isEqualTo("Ignore");
    assertRefused("failurePolicy", "podAdmissionPolicy.failurePolicy=Warn");
    // One SchemaMigration per workload and per database: checked on create and on a change of
    // target, or of database, only.
    var onePerWorkload =
        spec(objects, "ValidatingAdmissionPolicy", "sg-schemagate-one-per-workload");
    assertThat(onePerWorkload.path("matchConstraints").toString())
        .contains("\"schemamigrations\"", "\"CREATE\"", "\"UPDATE\"");
    assertThat(onePerWorkload.path("matchConditions").toString())
        .contains("oldObject.spec.target != object.spec.target");
    assertThat(onePerWorkload.path("variables").toString()).contains("TargetHeldByOther");
    var onePerDatabase =
        spec(objects, "ValidatingAdmissionPolicy", "sg-schemagate-one-per-database");
    assertThat(onePerDatabase.path("matchConditions").toString())
        .contains("oldObject.spec.database.urlSecretRef != object.spec.database.urlSecretRef");
    assertThat(onePerDatabase.path("validations").toString())
        .contains("TargetHeldByOther", "DatabaseClaimedByOther");
    assertThat(List.of(onePerWorkload, onePerDatabase))
        .allSatisfy(p -> assertThat(p.path("failurePolicy").asText()).isEqualTo("Ignore"));
    // The operator's own finalizer, in the create: never refusing one (Ignore), never an update.
    var finalizer = spec(objects, "MutatingAdmissionPolicy", "sg-schemagate-finalizer");
    assertThat(finalizer.path("failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(finalizer.path("matchConstraints").path("resourceRules").toString())
        .contains("\"schemamigrations\"", "\"CREATE\"")
        .doesNotContain("UPDATE");
    assertThat(finalizer.path("mutations").toString())
        .contains("value: \\\"" + SchemaMigrationReconciler.FINALIZER + "\\\"");
    assertThat(finalizer.path("matchConditions").toString())
        .contains("'" + SchemaMigrationReconciler.FINALIZER + "'");
    assertThat(
            spec(objects, "MutatingAdmissionPolicyBinding", "sg-schemagate-finalizer")
                .has("paramRef"))
        .isFalse();

    // watchNamespaces: every binding only there (the finalizer's too: elsewhere no operator would
    // remove it), and the pod policies themselves.
    var scoped = render(List.of(WITH_MAP), "watchNamespaces={a,b}");
    for (var kind : List.of("MutatingAdmissionPolicy", "ValidatingAdmissionPolicy")) {
      for (var family : FAMILIES.keySet()) {
        var name =
            "sg-schemagate-" + (kind.startsWith("Mutating") ? "gate-" : "hold-") + family + "-pods";
        var selector =
            spec(scoped, kind, name).path("matchConstraints").path("namespaceSelector").toString();
        assertThat(selector).as(name).contains("NotIn", "kube-system", "\"In\"", "\"a\"", "\"b\"");
      }
    }
    var bindings =
        scoped.stream().filter(o -> o.getKind().endsWith("AdmissionPolicyBinding")).toList();
    // A pair per pod family, one per workload, one per database, the author's, the finalizer's.
    assertThat(bindings).hasSize(2 * FAMILIES.size() + 4);
    for (var each : bindings) {
      assertThat(
              SERIALIZATION
                  .convertValue(each, JsonNode.class)
                  .path("spec")
                  .path("matchResources")
                  .path("namespaceSelector")
                  .toString())
          .as(each.getMetadata().getName())
          .contains("kubernetes.io/metadata.name", "\"a\"", "\"b\"");
    }
  }

  @Test
  void theChartsCrdIsTheGeneratedOne() throws IOException {
    var generated = Binaries.repoRoot().resolve("crds/schemamigrations.schemagate.dev-v1.yml");
    var inChart = CHART.resolve("crds/schemamigrations.schemagate.dev-v1.yml");
    assertThat(Files.readString(inChart)).isEqualTo(Files.readString(generated));
    try (var chartCrds = Files.list(CHART.resolve("crds"))) {
      assertThat(chartCrds.map(p -> p.getFileName().toString()))
          .containsExactly("schemamigrations.schemagate.dev-v1.yml");
    }
    // And helm ships exactly that: the CRD it renders with --include-crds equals crds/ as an
    // object.
    var rendered =
        Manifests.objects(
            helm(
                    "template",
                    RELEASE,
                    CHART.toString(),
                    "--namespace=" + NAMESPACE,
                    KUBE_VERSION,
                    "--include-crds")
                .ok());
    var crds = Manifests.ofKind(rendered, CustomResourceDefinition.class);
    var expected =
        new KubernetesSerialization()
            .unmarshal(Files.readString(generated), CustomResourceDefinition.class);
    assertThat(crds).containsExactly(expected);
  }

  @Test
  void theOperatorDeploymentIsHardened() {
    var deployment = deployment(render());
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getEnableServiceLinks()).isFalse();
    var c = operatorContainer(deployment).getSecurityContext();
    assertThat(c.getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(c.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getCapabilities().getAdd()).isNullOrEmpty();
    // The only writable path is an emptyDir at /tmp.
    assertThat(operatorContainer(deployment).getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(operatorContainer(deployment).getResources().getLimits()).containsKey("memory");
  }

  @Test
  void probesHitHealthzAndReadyzOnTheHealthPort() {
    for (var port : List.of(8080, 9090)) {
      var container = operatorContainer(deployment(render("healthPort=" + port)));
      assertThat(container.getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(port);
              });
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
          .isEqualTo("http");
      var operator = parseOperatorArgs(container.getArgs());
      assertThat(operator.<Integer>matchedOptionValue("--health-port", -2)).isEqualTo(port);
    }
  }

  @Test
  void argsAreFlagsOperatorCommandAccepts() {
    var defaults = operatorContainer(deployment(render()));
    var operator = parseOperatorArgs(defaults.getArgs());
    assertThat(operator.<String>matchedOptionValue("--runner-image", null))
        .isEqualTo(defaults.getImage())
        .isEqualTo("schemagate:0.1.0");
    assertThat(operator.<Boolean>matchedOptionValue("--leader-election", false)).isTrue();
    assertThat(operator.hasMatchedOption("--namespaces")).isFalse();
    // --leader-election reads the Lease's namespace from POD_NAMESPACE: the downward API must set
    // it.
    assertThat(defaults.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.namespace");
            });

    var custom =
        operatorContainer(
            deployment(
                render(
                    "leaderElection.enabled=false",
                    "runnerImage=registry.example.com/runner:2",
                    "watchNamespaces={x,y}",
                    "image.repository=registry.example.com/schemagate",
                    "image.tag=1.2.3")));
    assertThat(custom.getImage()).isEqualTo("registry.example.com/schemagate:1.2.3");
    var parsed = parseOperatorArgs(custom.getArgs());
    assertThat(parsed.<String>matchedOptionValue("--runner-image", null))
        .isEqualTo("registry.example.com/runner:2");
    assertThat(parsed.hasMatchedOption("--leader-election")).isFalse();
    assertThat(parsed.<List<String>>matchedOptionValue("--namespaces", List.of()))
        .containsExactly("x", "y");
  }

  /**
   * A misspelt JVM flag in JAVA_TOOL_OPTIONS would crash-loop the operator: this JVM must accept
   * them.
   */
  @Test
  void javaToolOptionsStartAJvm() {
    var container = operatorContainer(deployment(render()));
    var options =
        container.getEnv().stream()
            .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(container.getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("MALLOC_ARENA_MAX"));
    var command = new ArrayList<String>();
    command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(options.trim().split("\\s+")));
    command.add("-version");
    var result = Cli.run(command);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stderr()).doesNotContain("Unrecognized", "Error", "warning");
  }

  /**
   * logFormat reaches the operator as SCHEMAGATE_LOG_FORMAT: each value the schema allows is one
   * the operator's logging knows.
   */
  @Test
  void logFormatSetsTheOperatorsLogFormatAndOnlyKnownFormatsAreAccepted() {
    for (var format : List.of("text", "json")) {
      var env =
          operatorContainer(
                  deployment(
                      render(
                          format.equals("text")
                              ? new String[0]
                              : new String[] {"logFormat=" + format})))
              .getEnv();
      assertThat(env)
          .filteredOn(e -> e.getName().equals("SCHEMAGATE_LOG_FORMAT"))
          .singleElement()
          .satisfies(e -> assertThat(e.getValue()).isEqualTo(format));
      assertThat(OperatorLogging.FORMATS).contains(format);
    }
    assertRefused("logFormat", "logFormat=xml");
  }

  @Test
  void replicasAboveOneWithoutLeaderElectionAreRefused() {
    assertRefused(
        "replicaCount > 1 needs leaderElection.enabled=true",
        "replicaCount=2",
        "leaderElection.enabled=false");
  }

  /** helm template with these --set values fails, saying {@code why}. */
  static void assertRefused(String why, String... set) {
    var args = new ArrayList<>(List.of("template", RELEASE, CHART.toString(), KUBE_VERSION));
    for (var value : set) {
      args.add("--set");
      args.add(value);
    }
    var result = helm(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.toString()).isNotZero();
    assertThat(result.stderr()).contains(why);
  }

  /**
   * Parses the container's args with the real command line of the jar (Main, whose subcommand
   * `operator` is OperatorCommand): a renamed or removed flag makes picocli throw here.
   */
  static CommandLine.ParseResult parseOperatorArgs(List<String> args) {
    assertThat(args).first().isEqualTo("operator");
    var result = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
    assertThat(result.subcommand()).isNotNull();
    assertThat(result.subcommand().commandSpec().userObject())
        .isInstanceOf(dev.schemagate.OperatorCommand.class);
    assertThat(result.subcommand().unmatched()).isEmpty();
    return result.subcommand();
  }

  /** No rule names Secrets, and no wildcard could grant them. */
  static void assertNothingOnSecrets(List<PolicyRule> rules) {
    assertThat(rules).isNotEmpty();
    for (var rule : rules) {
      assertThat(rule.getResources()).doesNotContain("secrets", "*");
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    }
  }

  /** The rules as "group/resource" to verbs (one rule per resource, as the chart writes them). */
  static Map<String, List<String>> rights(List<PolicyRule> rules) {
    var rights = new TreeMap<String, List<String>>();
    for (var rule : rules) {
      for (var group : rule.getApiGroups()) {
        for (var resource : rule.getResources()) {
          assertThat(rights.put(group + "/" + resource, rule.getVerbs()))
              .as("a second rule for %s/%s", group, resource)
              .isNull();
        }
      }
    }
    return rights;
  }

  /** The spec of the one object of this kind, as a tree (fabric8 may have no model class). */
  static JsonNode spec(List<HasMetadata> objects, String kind) {
    return spec(objects, kind, null);
  }

  /** The spec of the one object of this kind and name (any name if null), as a tree. */
  static JsonNode spec(List<HasMetadata> objects, String kind, String name) {
    var ofKind =
        objects.stream()
            .filter(o -> o.getKind().equals(kind))
            .filter(o -> name == null || o.getMetadata().getName().equals(name))
            .toList();
    assertThat(ofKind).as(kind + " " + name).hasSize(1);
    return SERIALIZATION.convertValue(ofKind.get(0), JsonNode.class).path("spec");
  }
}
