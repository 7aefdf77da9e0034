package dev.schemagate.operator;

import static dev.schemagate.operator.Scenario.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One SchemaMigration per Deployment: the chart's policy refuses a second at apply; where two got
 * in anyway, the oldest keeps the gate, the other says so and holds nothing, and takes over once
 * the first is gone.
 */
@ExtendWith(Scenario.PerTest.class)
class OnePerDeploymentIT {
  static final String SECOND = "basketball-api-second";

  static SchemaMigration second(Scenario s, String deployment) {
    var m = Scenario.migrationFor(s.namespace, deployment, Scenario.MIGRATIONS);
    m.getMetadata().setName(SECOND);
    return m;
  }

  @Test
  void aSecondForTheSameDeploymentIsRefusedAtApplyNamingTheFirst(Scenario s) {
    GateIT.install(s);

    assertThatThrownBy(() -> s.createMigration(second(s, APP)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "spec.target.deployment: Deployment %s is gated by SchemaMigration %s already"
                .formatted(APP, APP));

    // Pointed at another Deployment it is welcome; pointed back, refused again.
    s.createMigration(second(s, "worker"));
    assertThatThrownBy(
            () ->
                s.client
                    .resources(SchemaMigration.class)
                    .inNamespace(s.namespace)
                    .withName(SECOND)
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"target\":{\"deployment\":\"%s\"}}}".formatted(APP)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("is gated by SchemaMigration " + APP + " already");
    // An update that leaves the target alone always passes (here: the first's retry annotation).
    var retried =
        s.client
            .resources(SchemaMigration.class)
            .inNamespace(s.namespace)
            .withName(APP)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"%s\":\"1\"}}}"
                    .formatted(SchemaMigration.RETRY_ANNOTATION));
    assertThat(retried.getMetadata().getAnnotations())
        .containsEntry(SchemaMigration.RETRY_ANNOTATION, "1");
  }

  @Test
  void whereTwoGotInTheOldestKeepsTheGateAndTheOtherTakesOverWhenItGoes(Scenario s) {
    GateIT.install(s);
    // As if both were created in the same instant, or the policy were switched off: it warns only.
    var binding = onePerDeploymentBinding(s);
    setActions(s, binding, List.of("Warn"));
    try {
      // The API server's policy cache follows the binding within about a second.
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreException(KubernetesClientException.class)
          .until(() -> s.createMigration(second(s, APP)) != null);
    } finally {
      setActions(s, binding, List.of("Deny"));
    }

    var refused = s.awaitTrue(SECOND, "Stalled", "TargetHeldByOther");
    assertThat(refused.getMessage())
        .startsWith("Deployment %s is gated by SchemaMigration %s already".formatted(APP, APP));
    assertThat(s.jobs(SECOND)).isEmpty();
    // The first keeps working: an upgrade is held by it alone, migrated and released.
    s.setImage(GateIT.V18);
    var held = s.awaitHeld(GateIT.V18, 1);
    assertThat(held)
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getLabels())
                    .containsEntry("schemagate.dev/held-by", APP));
    s.succeed(s.awaitJobFor(GateIT.V18));
    // No kubelet here: the released pod never becomes Ready, so the rollout stops at one.
    s.awaitReleased(GateIT.V18, 1);
    s.awaitTrue("Ready", "Migrated");
    assertThat(s.events(SECOND, "TargetHeldByOther")).hasSize(1);
    assertThat(s.jobs(SECOND)).isEmpty();

    // The first deleted, the second gates the Deployment within its recheck.
    s.client.resource(s.migration()).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(s.jobs(SECOND)).hasSize(1));
    var running = s.awaitTrue(SECOND, "Reconciling", "MigrationRunning");
    assertThat(running.getMessage()).contains(GateIT.V18);
  }

  private static String onePerDeploymentBinding(Scenario s) {
    return s
        .client
        .admissionRegistration()
        .v1()
        .validatingAdmissionPolicyBindings()
        .list()
        .getItems()
        .stream()
        .map(b -> b.getMetadata().getName())
        .filter(n -> n.endsWith("-one-per-deployment"))
        .findFirst()
        .orElseThrow();
  }

  private static void setActions(Scenario s, String binding, List<String> actions) {
    s.client
        .admissionRegistration()
        .v1()
        .validatingAdmissionPolicyBindings()
        .withName(binding)
        .edit(
            (ValidatingAdmissionPolicyBinding b) -> {
              b.getSpec().setValidationActions(actions);
              return b;
            });
  }
}
