package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.Cluster;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * No confused deputy: the migration Job runs with the target's service account and Secrets, so the
 * chart's admission policy lets only a user who may create Jobs in the namespace create a
 * SchemaMigration there, or change what one runs. On the real API server, whose authorizer answers
 * for the impersonated users below (no operator runs here).
 */
class AuthorRightsIT {
  static final Duration POLICY_SEES_IT = Duration.ofSeconds(20);

  final KubernetesClient admin = Cluster.client();

  @Test
  void onlyAUserWhoMayCreateJobsMayWriteWhatAMigrationRuns() {
    var ns = Cluster.newNamespace("author-rights");
    grant(ns, "migrations-only", "alice", false);
    grant(ns, "migrations-and-jobs", "bob", true);
    var alice = as("alice");
    var bob = as("bob");
    var expected =
        ("a SchemaMigration runs its migration as a Job with the service account and Secrets of its"
                + " target Deployment: alice may not create jobs.batch in namespace %s, so may not"
                + " create or change a SchemaMigration there")
            .formatted(ns);

    // RBAC lets alice create it; the policy does not (dry runs, until the policy is in force).
    await()
        .atMost(POLICY_SEES_IT)
        .until(
            () -> {
              var e =
                  catchThrowableOfType(
                      KubernetesClientException.class,
                      () -> alice.resource(Scenario.migrationFor(ns)).dryRun().create());
              return e != null && e.getCode() == 403;
            });
    var refused =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> alice.resource(Scenario.migrationFor(ns)).create());
    assertThat(refused.getCode()).isEqualTo(403);
    assertThat(refused.getMessage()).contains(expected);
    assertThat(admin.resources(SchemaMigration.class).inNamespace(ns).withName(Scenario.APP).get())
        .isNull();

    bob.resource(Scenario.migrationFor(ns)).create();

    // alice may not change what it runs, nor run it again...
    var changed =
        refused(
            alice,
            ns,
            m -> {
              m.getSpec().getFlyway().setBaselineVersion("7");
              return m;
            });
    assertThat(changed.getCode()).isEqualTo(403);
    assertThat(changed.getMessage()).contains(expected);
    var retried =
        refused(
            alice,
            ns,
            m -> {
              m.getMetadata().setAnnotations(Map.of(SchemaMigration.RETRY_ANNOTATION, "1"));
              return m;
            });
    assertThat(retried.getCode()).isEqualTo(403);

    // ...but may label it: that runs nothing.
    alice
        .resources(SchemaMigration.class)
        .inNamespace(ns)
        .withName(Scenario.APP)
        .edit(
            m -> {
              m.getMetadata().setLabels(Map.of("team", "basketball"));
              return m;
            });
    // bob may do both.
    bob.resources(SchemaMigration.class)
        .inNamespace(ns)
        .withName(Scenario.APP)
        .edit(
            m -> {
              m.getSpec().getFlyway().setBaselineVersion("7");
              m.getMetadata().setAnnotations(Map.of(SchemaMigration.RETRY_ANNOTATION, "1"));
              return m;
            });
    assertThat(
            admin
                .resources(SchemaMigration.class)
                .inNamespace(ns)
                .withName(Scenario.APP)
                .get()
                .getSpec()
                .getFlyway()
                .getBaselineVersion())
        .isEqualTo("7");
  }

  /** A Role on SchemaMigrations (and Jobs, if {@code jobs}) bound to {@code user}. */
  private void grant(String ns, String role, String user, boolean jobs) {
    var rules =
        new ArrayList<>(
            List.of(
                new PolicyRuleBuilder()
                    .withApiGroups("schemagate.dev")
                    .withResources("schemamigrations")
                    .withVerbs("get", "list", "watch", "create", "update", "patch")
                    .build()));
    if (jobs) {
      rules.add(
          new PolicyRuleBuilder()
              .withApiGroups("batch")
              .withResources("jobs")
              .withVerbs("create")
              .build());
    }
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(role)
                .withNamespace(ns)
                .endMetadata()
                .withRules(rules)
                .build())
        .create();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(role)
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", role)
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(user)
                .endSubject()
                .build())
        .create();
  }

  private static KubernetesClient as(String user) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(Cluster.client().getConfiguration())
                .withImpersonateUsername(user)
                .withImpersonateGroups("system:authenticated")
                .build())
        .build();
  }

  /** What the API server answers {@code user}'s edit of the app's SchemaMigration with. */
  private static KubernetesClientException refused(
      KubernetesClient user, String namespace, UnaryOperator<SchemaMigration> edit) {
    return catchThrowableOfType(
        KubernetesClientException.class,
        () ->
            user.resources(SchemaMigration.class)
                .inNamespace(namespace)
                .withName(Scenario.APP)
                .edit(edit));
  }
}
