package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schemagate.api.Inherit;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.Strategy;
import dev.schemagate.testenv.Cluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRD from crds/ turns bad specs away at admission (OpenAPI schema and CEL rules), with
 * messages that say what to fix. No operator runs here: this is the API server alone.
 */
class CrdValidationIT {
  static final String API_VERSION = SchemaMigration.GROUP + "/" + SchemaMigration.VERSION;
  static final String DNS_LABEL =
      "must be a DNS label: at most 63 lower-case letters, digits and '-', starting and ending with"
          + " a letter or digit";
  static final String DNS_SUBDOMAIN =
      "must be a DNS subdomain: lower-case letters, digits, '-' and '.', at most 253 characters";
  static final String EXACTLY_ONE =
      "set exactly one of spec.flyway (SQL files in a ConfigMap) or spec.command (your own"
          + " migration image)";
  static final String IMAGE =
      "command.image must be an image reference such as registry.example.com/team/app:1.2 or"
          + " app@sha256:<digest>";
  static final String LOCK_TIMEOUT =
      "locks.timeout must be a duration such as 500ms or 2s, from 10ms to 10m";
  static final String LOCK_RETRY_BUDGET =
      "locks.retryBudget must be a duration such as 10m or 1h30m, at most 24h";

  static final String POD_RESTART_POLICY =
      "job.podTemplate.spec.restartPolicy can only be Never: the Job retries a failed migration"
          + " pod (spec.job.backoffLimit)";
  static final String POD_CONTAINERS =
      "job.podTemplate.spec.containers can only patch the container named migrate: another"
          + " container would keep the Job from ending (a sidecar goes in initContainers with"
          + " restartPolicy: Always)";
  static final String POD_CONTAINER_COMMAND =
      "job.podTemplate.spec.containers[].image, command and args are the migration's: set them in"
          + " spec.command";
  static final String POD_LABELS =
      "job.podTemplate.metadata.labels must not set app.kubernetes.io/name, instance, component,"
          + " managed-by or schemagate.dev/revision: SchemaGate finds its migration pods by them";

  static KubernetesClient client;
  static String namespace;

  @BeforeAll
  static void namespace() {
    client = Cluster.client();
    namespace = Cluster.newNamespace("crd-validation");
  }

  /**
   * (what is wrong, how to make the valid spec so, the field the API server blames, what it says)
   */
  static Stream<Arguments> badSpecs() {
    return Stream.of(
        bad(
            "both flyway and command",
            r -> spec(r).putObject("command").put("image", "basketball-api:1.8.0"),
            "spec",
            EXACTLY_ONE),
        bad("neither flyway nor command", r -> spec(r).remove("flyway"), "spec", EXACTLY_ONE),
        bad(
            "strategy not one of the enum",
            r -> spec(r).put("strategy", "Sometimes"),
            "spec.strategy",
            "Unsupported value: \"Sometimes\": supported values: \"HoldNewPods\","
                + " \"StopOldPods\""),
        bad(
            "strategy in lower case",
            r -> spec(r).put("strategy", "holdNewPods"),
            "spec.strategy",
            "Unsupported value: \"holdNewPods\""),
        bad(
            "target.container with upper case",
            r -> obj(r, "spec", "target").put("container", "API"),
            "spec.target.container",
            "target.container " + DNS_LABEL),
        bad(
            "target.deployment in another namespace",
            r -> obj(r, "spec", "target").put("deployment", "other-namespace/basketball-api"),
            "spec.target.deployment",
            "target.deployment " + DNS_LABEL),
        bad(
            "target.container with underscore",
            r -> obj(r, "spec", "target").put("container", "app_server"),
            "spec.target.container",
            "target.container " + DNS_LABEL),
        bad(
            "target.container ending with '-'",
            r -> obj(r, "spec", "target").put("container", "app-"),
            "spec.target.container",
            "target.container " + DNS_LABEL),
        bad(
            "target.container of 64 characters",
            r -> obj(r, "spec", "target").put("container", "c".repeat(64)),
            "spec.target.container",
            "Too long: may not be more than 63 bytes"),
        bad(
            "target.container empty",
            r -> obj(r, "spec", "target").put("container", ""),
            "spec.target.container",
            "spec.target.container in body should be at least 1 chars long"),
        bad(
            "target.deployment with upper case",
            r -> obj(r, "spec", "target").put("deployment", "Basketball-API"),
            "spec.target.deployment",
            "target.deployment " + DNS_LABEL),
        bad(
            "target.deployment with underscore",
            r -> obj(r, "spec", "target").put("deployment", "basketball_api"),
            "spec.target.deployment",
            "target.deployment " + DNS_LABEL),
        bad(
            "target.deployment with a dot",
            r -> obj(r, "spec", "target").put("deployment", "basketball.api"),
            "spec.target.deployment",
            "target.deployment " + DNS_LABEL),
        bad(
            "target.deployment starting with '-'",
            r -> obj(r, "spec", "target").put("deployment", "-api"),
            "spec.target.deployment",
            "target.deployment " + DNS_LABEL),
        bad(
            "target.deployment of 64 characters",
            r -> obj(r, "spec", "target").put("deployment", "a".repeat(64)),
            "spec.target.deployment",
            "Too long: may not be more than 63 bytes"),
        bad(
            "target.deployment empty",
            r -> obj(r, "spec", "target").put("deployment", ""),
            "spec.target.deployment",
            "spec.target.deployment in body should be at least 1 chars long"),
        bad(
            "target without deployment or workloads",
            r -> obj(r, "spec", "target").remove("deployment"),
            "spec.target",
            "name what to gate: spec.target.deployment, spec.target.workloads, or both"),
        bad(
            "target.workloads naming the target Deployment again",
            r -> {
              var target = obj(r, "spec", "target");
              target
                  .putArray("workloads")
                  .addObject()
                  .put("kind", "Deployment")
                  .put("name", target.get("deployment").asText());
            },
            "spec.target",
            "spec.target.workloads names a workload twice"),
        bad(
            "target.workloads naming a workload twice",
            r -> {
              var workloads = obj(r, "spec", "target").putArray("workloads");
              workloads.addObject().put("kind", "CronJob").put("name", "nightly");
              workloads.addObject().put("kind", "CronJob").put("name", "nightly");
            },
            "spec.target",
            "spec.target.workloads names a workload twice"),
        bad(
            "target.workloads of an unknown kind",
            r ->
                obj(r, "spec", "target")
                    .putArray("workloads")
                    .addObject()
                    .put("kind", "DaemonSet")
                    .put("name", "agent"),
            "spec.target.workloads[0].kind",
            "Unsupported value: \"DaemonSet\""),
        bad(
            "urlSecretRef without name",
            r -> obj(r, "spec", "database", "urlSecretRef").remove("name"),
            "spec.database.urlSecretRef.name",
            "Required value"),
        bad(
            "urlSecretRef.name not a DNS subdomain",
            r -> obj(r, "spec", "database", "urlSecretRef").put("name", "Basketball_DB"),
            "spec.database.urlSecretRef.name",
            "urlSecretRef.name " + DNS_SUBDOMAIN),
        bad(
            "urlSecretRef.key with '/'",
            r -> obj(r, "spec", "database", "urlSecretRef").put("key", "db/url"),
            "spec.database.urlSecretRef.key",
            "urlSecretRef.key must be a Secret key: letters, digits, '-', '_' and '.'"),
        bad(
            "urlSecretRef.key with a space",
            r -> obj(r, "spec", "database", "urlSecretRef").put("key", "db url"),
            "spec.database.urlSecretRef.key",
            "urlSecretRef.key must be a Secret key: letters, digits, '-', '_' and '.'"),
        bad(
            "urlSecretRef without key",
            r -> obj(r, "spec", "database", "urlSecretRef").remove("key"),
            "spec.database.urlSecretRef.key",
            "Required value"),
        bad(
            "database without urlSecretRef",
            r -> obj(r, "spec", "database").remove("urlSecretRef"),
            "spec.database.urlSecretRef",
            "Required value"),
        bad(
            "flyway.configMapRef.name not a DNS subdomain",
            r -> obj(r, "spec", "flyway", "configMapRef").put("name", "Migrations!"),
            "spec.flyway.configMapRef.name",
            "configMapRef.name " + DNS_SUBDOMAIN),
        bad(
            "flyway without configMapRef",
            r -> obj(r, "spec", "flyway").remove("configMapRef"),
            "spec.flyway.configMapRef",
            "Required value"),
        bad(
            "flyway.baselineVersion v7",
            r -> obj(r, "spec", "flyway").put("baselineVersion", "v7"),
            "spec.flyway.baselineVersion",
            "flyway.baselineVersion must be a Flyway version such as 7 or 1.2.3"),
        bad(
            "flyway.baselineVersion 1..2",
            r -> obj(r, "spec", "flyway").put("baselineVersion", "1..2"),
            "spec.flyway.baselineVersion",
            "flyway.baselineVersion must be a Flyway version such as 7 or 1.2.3"),
        bad(
            "command.image empty",
            r -> commandInsteadOfFlyway(r).put("image", ""),
            "spec.command.image",
            IMAGE),
        bad(
            "command.image with spaces",
            r -> commandInsteadOfFlyway(r).put("image", "basketball-api :1.8.0"),
            "spec.command.image",
            IMAGE),
        bad(
            "command.image with a newline",
            r -> commandInsteadOfFlyway(r).put("image", "basketball-api:1.8.0\n"),
            "spec.command.image",
            IMAGE),
        bad(
            "command.image with a NUL",
            r -> commandInsteadOfFlyway(r).put("image", "basketball\u0000api:1.8.0"),
            "spec.command.image",
            IMAGE),
        bad(
            "command.image in upper case",
            r -> commandInsteadOfFlyway(r).put("image", "Basketball-API:1.8.0"),
            "spec.command.image",
            IMAGE),
        bad(
            "command.image with a non-ASCII letter",
            r -> commandInsteadOfFlyway(r).put("image", "b\u00e4sketball-api:1.8.0"),
            "spec.command.image",
            IMAGE),
        bad(
            "command.image with an empty tag",
            r -> commandInsteadOfFlyway(r).put("image", "basketball-api:"),
            "spec.command.image",
            IMAGE),
        bad(
            "job.backoffLimit -1",
            r -> obj(r, "spec", "job").put("backoffLimit", -1),
            "spec.job.backoffLimit",
            "spec.job.backoffLimit in body should be greater than or equal to 0"),
        bad(
            "job.backoffLimit 21",
            r -> obj(r, "spec", "job").put("backoffLimit", 21),
            "spec.job.backoffLimit",
            "spec.job.backoffLimit in body should be less than or equal to 20"),
        bad(
            "job.activeDeadlineSeconds 0",
            r -> obj(r, "spec", "job").put("activeDeadlineSeconds", 0),
            "spec.job.activeDeadlineSeconds",
            "spec.job.activeDeadlineSeconds in body should be greater than or equal to 1"),
        bad(
            "job.activeDeadlineSeconds 86401",
            r -> obj(r, "spec", "job").put("activeDeadlineSeconds", 86401),
            "spec.job.activeDeadlineSeconds",
            "spec.job.activeDeadlineSeconds in body should be less than or equal to 86400"),
        bad(
            "locks.timeout without a unit",
            r -> obj(r, "spec", "locks").put("timeout", "2"),
            "spec.locks.timeout",
            LOCK_TIMEOUT),
        bad(
            "locks.timeout as a fraction",
            r -> obj(r, "spec", "locks").put("timeout", "1.5s"),
            "spec.locks.timeout",
            LOCK_TIMEOUT),
        bad(
            "locks.timeout 0s (would wait forever)",
            r -> obj(r, "spec", "locks").put("timeout", "0s"),
            "spec.locks.timeout",
            LOCK_TIMEOUT),
        bad(
            "locks.timeout 11m",
            r -> obj(r, "spec", "locks").put("timeout", "11m"),
            "spec.locks.timeout",
            LOCK_TIMEOUT),
        bad(
            "locks.retryBudget in PostgreSQL's units",
            r -> obj(r, "spec", "locks").put("retryBudget", "10min"),
            "spec.locks.retryBudget",
            LOCK_RETRY_BUDGET),
        bad(
            "locks.retryBudget 25h",
            r -> obj(r, "spec", "locks").put("retryBudget", "25h"),
            "spec.locks.retryBudget",
            LOCK_RETRY_BUDGET),
        bad(
            "metadata.name of 53 characters",
            r -> obj(r, "metadata").put("name", "b".repeat(53)),
            "<nil>",
            "metadata.name must be at most 52 characters: the migration Job is named"
                + " <name>-<revision>"),
        bad(
            "job.inherit not one of the enum",
            r -> obj(r, "spec", "job").put("inherit", "Everything"),
            "spec.job.inherit",
            "Unsupported value: \"Everything\": supported values: \"None\", \"PodTemplate\""),
        bad(
            "job.podTemplate.spec.restartPolicy OnFailure",
            r -> obj(r, "spec", "job", "podTemplate", "spec").put("restartPolicy", "OnFailure"),
            "spec.job.podTemplate.spec.restartPolicy",
            POD_RESTART_POLICY),
        bad(
            "job.podTemplate.spec.containers naming another container",
            r ->
                obj(r, "spec", "job", "podTemplate", "spec")
                    .putArray("containers")
                    .addObject()
                    .put("name", "istio-proxy"),
            "spec.job.podTemplate.spec.containers",
            POD_CONTAINERS),
        bad(
            "job.podTemplate.spec.containers with two",
            r -> {
              var containers = obj(r, "spec", "job", "podTemplate", "spec").putArray("containers");
              containers.addObject().put("name", "migrate");
              containers.addObject().put("name", "migrate");
            },
            "spec.job.podTemplate.spec.containers",
            "Too many: 2: must have at most 1 item"),
        bad(
            "job.podTemplate.spec.containers[].image",
            r ->
                obj(r, "spec", "job", "podTemplate", "spec")
                    .putArray("containers")
                    .addObject()
                    .put("name", "migrate")
                    .put("image", "other:1"),
            "spec.job.podTemplate.spec.containers[0]",
            POD_CONTAINER_COMMAND),
        bad(
            "job.podTemplate.spec.containers[].args",
            r ->
                obj(r, "spec", "job", "podTemplate", "spec")
                    .putArray("containers")
                    .addObject()
                    .put("name", "migrate")
                    .putArray("args")
                    .add("downgrade"),
            "spec.job.podTemplate.spec.containers[0]",
            POD_CONTAINER_COMMAND),
        bad(
            "job.podTemplate.metadata.labels with SchemaGate's",
            r ->
                obj(r, "spec", "job", "podTemplate", "metadata", "labels")
                    .put("app.kubernetes.io/managed-by", "argocd"),
            "spec.job.podTemplate.metadata.labels",
            POD_LABELS),
        bad("spec missing", r -> r.remove("spec"), "spec", "Required value"),
        bad("spec.target missing", r -> spec(r).remove("target"), "spec.target", "Required value"),
        bad(
            "spec.database missing",
            r -> spec(r).remove("database"),
            "spec.database",
            "Required value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void rejectsAtAdmission(
      String description, Consumer<ObjectNode> mutation, String field, String message) {
    var resource = validResource();
    mutation.accept(resource);

    try {
      var created = client.resource(generic(resource)).create();
      client.resource(created).delete();
      fail("the API server accepted a SchemaMigration with " + description + ": " + resource);
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
      assertThat(e.getMessage()).contains(message);
      assertThat(e.getStatus().getDetails().getCauses())
          .as("causes of %s", e.getMessage())
          .anySatisfy(
              cause -> {
                assertThat(cause.getField()).isEqualTo(field);
                assertThat(cause.getMessage()).contains(message);
              });
    }
  }

  @Test
  void acceptsAValidSpecAndDefaultsStrategyToHoldNewPods() {
    var resource = validResource();
    // The Java model has the same default: leave the field out of the JSON to see the server's.
    spec(resource).remove("strategy");
    obj(resource, "metadata").put("name", "defaults");

    client.resource(generic(resource)).create();

    assertThat(storedSpec("defaults").get("strategy")).isEqualTo("HoldNewPods");
    var stored =
        client.resources(SchemaMigration.class).inNamespace(namespace).withName("defaults").get();
    assertThat(stored.getSpec().getStrategy()).isEqualTo(Strategy.HoldNewPods);
    assertThat(stored.getSpec().getTarget().getDeployment())
        .isEqualTo(resource.path("spec").path("target").path("deployment").asText());
    assertThat(stored.getSpec().getTarget().getContainer()).isNull();
  }

  @Test
  void acceptsWorkloadsWithOrWithoutTheDeployment() {
    var resource = validResource();
    var workloads = obj(resource, "spec", "target").putArray("workloads");
    workloads.addObject().put("kind", "Deployment").put("name", "worker");
    workloads.addObject().put("kind", "CronJob").put("name", "nightly").put("container", "report");
    obj(resource, "metadata").put("name", "whole-app");
    client.resource(generic(resource)).create();

    var withoutDeployment = validResource();
    obj(withoutDeployment, "spec", "target").remove("deployment");
    obj(withoutDeployment, "spec", "target")
        .putArray("workloads")
        .addObject()
        .put("kind", "StatefulSet")
        .put("name", "ledger");
    obj(withoutDeployment, "metadata").put("name", "stateful-only");
    client.resource(generic(withoutDeployment)).create();

    var stored =
        client.resources(SchemaMigration.class).inNamespace(namespace).withName("whole-app").get();
    assertThat(stored.getSpec().getTarget().getWorkloads())
        .extracting(w -> w.getKind() + "/" + w.getName() + "/" + w.getContainer())
        .containsExactly("Deployment/worker/null", "CronJob/nightly/report");
  }

  @Test
  void acceptsStopOldPodsAndANamedContainer() {
    var resource = validResource();
    spec(resource).put("strategy", "StopOldPods");
    obj(resource, "spec", "target").put("container", "api-2");
    obj(resource, "metadata").put("name", "stop-old-pods");

    client.resource(generic(resource)).create();

    var stored =
        client
            .resources(SchemaMigration.class)
            .inNamespace(namespace)
            .withName("stop-old-pods")
            .get();
    assertThat(stored.getSpec().getStrategy()).isEqualTo(Strategy.StopOldPods);
    assertThat(stored.getSpec().getTarget().getContainer()).isEqualTo("api-2");
  }

  @Test
  void acceptsLockSettingsAsDurations() {
    var resource = validResource();
    obj(resource, "spec", "locks").put("timeout", "500ms").put("retryBudget", "1h30m");
    obj(resource, "metadata").put("name", "locks");

    client.resource(generic(resource)).create();

    var stored =
        client.resources(SchemaMigration.class).inNamespace(namespace).withName("locks").get();
    assertThat(stored.getSpec().getLocks().timeoutOrDefault()).isEqualTo(Duration.ofMillis(500));
    assertThat(stored.getSpec().getLocks().retryBudgetOrDefault())
        .isEqualTo(Duration.ofMinutes(90));
  }

  /** Any pod spec field in the patch is kept as written, for the Job's create to check. */
  @Test
  void keepsAPodTemplateAsWritten() {
    var resource = validResource();
    obj(resource, "metadata").put("name", "pod-template");
    var job = obj(resource, "spec", "job");
    job.put("inherit", "None");
    obj(resource, "spec", "job", "podTemplate", "metadata", "annotations")
        .put("sidecar.istio.io/inject", "false");
    var spec = obj(resource, "spec", "job", "podTemplate", "spec");
    spec.put("serviceAccountName", "basketball-migrator");
    spec.putObject("nodeSelector").put("kubernetes.io/arch", "arm64");
    // A null removes an inherited field: it must be kept as written too.
    spec.putNull("tolerations");
    deleteAnInheritedInitContainer(spec);
    var migrate = spec.putArray("containers").addObject().put("name", "migrate");
    migrate.putObject("resources").putObject("limits").put("memory", "256Mi");
    migrate.putArray("env").addObject().put("name", "DEBUG").put("value", "1");

    client.resource(generic(resource)).create();

    var stored =
        client
            .resources(SchemaMigration.class)
            .inNamespace(namespace)
            .withName("pod-template")
            .get();
    assertThat(stored.getSpec().getJob().getInherit()).isEqualTo(Inherit.None);
    assertThat(stored.getSpec().getJob().getPodTemplate().getMetadata().getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "false");
    assertThat(stored.getSpec().getJob().getPodTemplate().getSpec())
        .containsEntry("serviceAccountName", "basketball-migrator")
        .containsEntry("nodeSelector", Map.of("kubernetes.io/arch", "arm64"))
        .containsKey("tolerations")
        .containsEntry(
            "initContainers", List.of(Map.of("name", "vault-agent-init", "$patch", "delete")))
        .containsEntry(
            "containers",
            List.of(
                Map.of(
                    "name",
                    "migrate",
                    "resources",
                    Map.of("limits", Map.of("memory", "256Mi")),
                    "env",
                    List.of(Map.of("name", "DEBUG", "value", "1")))));
  }

  private static void deleteAnInheritedInitContainer(ObjectNode spec) {
    spec.putArray("initContainers")
        .addObject()
        .put("name", "vault-agent-init")
        .put("$patch", "delete");
  }

  /** Image references as registries and runtimes write them. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "app",
        "basketball-api:1.8.0",
        "registry.example.com/team/basketball_api:1.8.0-rc.1",
        "localhost:5000/app",
        "Registry.Example.com:443/a/b/c__d:latest",
        "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "ghcr.io/org/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
      })
  void acceptsImageReferences(String image) {
    var resource = validResource();
    commandInsteadOfFlyway(resource).put("image", image);
    var name = "image-" + Integer.toHexString(image.hashCode());
    obj(resource, "metadata").put("name", name);

    client.resource(generic(resource)).create();

    @SuppressWarnings("unchecked")
    var command = (Map<String, Object>) storedSpec(name).get("command");
    assertThat(command).containsEntry("image", image);
  }

  /** Without command.image the migration runs in the target container's image. */
  @Test
  void acceptsACommandWithoutImage() {
    var resource = validResource();
    commandInsteadOfFlyway(resource).remove("image");
    obj(resource, "spec", "command").putArray("command").add("alembic");
    obj(resource, "spec", "command").putArray("args").add("upgrade").add("head");
    obj(resource, "metadata").put("name", "command-without-image");

    client.resource(generic(resource)).create();

    @SuppressWarnings("unchecked")
    var command = (Map<String, Object>) storedSpec("command-without-image").get("command");
    assertThat(command).doesNotContainKey("image").containsEntry("command", List.of("alembic"));
  }

  /** The spec as the API server stored it, defaults included, untouched by the Java model. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> storedSpec(String name) {
    var stored =
        client
            .genericKubernetesResources(API_VERSION, "SchemaMigration")
            .inNamespace(namespace)
            .withName(name)
            .get();
    return (Map<String, Object>) stored.getAdditionalProperties().get("spec");
  }

  static Arguments bad(
      String description, Consumer<ObjectNode> mutation, String field, String message) {
    return Arguments.of(description, mutation, field, message);
  }

  /**
   * The story's SchemaMigration as plain JSON, which can be made invalid in ways the Java model
   * cannot.
   */
  private static final AtomicInteger TARGETS = new AtomicInteger();

  static ObjectNode validResource() {
    var json =
        client
            .getKubernetesSerialization()
            .convertValue(Scenario.migrationFor(namespace), ObjectNode.class);
    json.put("apiVersion", API_VERSION).put("kind", "SchemaMigration");
    // A Deployment and a database of its own: the chart's policies refuse a second
    // SchemaMigration for either.
    var n = TARGETS.incrementAndGet();
    obj(json, "spec", "target").put("deployment", "app-" + n);
    obj(json, "spec", "database", "urlSecretRef").put("name", "db-" + n);
    return (ObjectNode) withoutNulls(json);
  }

  static GenericKubernetesResource generic(ObjectNode json) {
    return client.getKubernetesSerialization().convertValue(json, GenericKubernetesResource.class);
  }

  static JsonNode withoutNulls(JsonNode node) {
    if (node.isObject()) {
      node.properties().removeIf(field -> field.getValue().isNull());
      node.forEach(CrdValidationIT::withoutNulls);
    }
    return node;
  }

  static ObjectNode spec(ObjectNode resource) {
    return obj(resource, "spec");
  }

  /** The object at this path, created empty where missing. */
  static ObjectNode obj(ObjectNode node, String... path) {
    var current = node;
    for (var name : path) {
      current = current.has(name) ? (ObjectNode) current.get(name) : current.putObject(name);
    }
    return current;
  }

  static ObjectNode commandInsteadOfFlyway(ObjectNode resource) {
    spec(resource).remove("flyway");
    return obj(resource, "spec", "command").put("image", "basketball-api:1.8.0");
  }
}
