package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.BasketballExample.Release;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.approval Destructive on a real node: a migration that only adds is rehearsed and migrated;
 * one that drops a column is rehearsed, then waits (Reconciling, AwaitingApproval) with what it
 * would drop and the command that approves it, production untouched, until that command is run.
 */
class RehearsalApprovalIT {
  static final String V9 = "V9__drop_guardian_phone.sql";

  @Test
  void aDroppedColumnWaitsForTheApprovalOfItsRevision() throws Exception {
    try (var story = new Story("rehearsal-approval", Map.of()).withOperator()) {
      story.apply(Release.V1_8_1, item -> destructive(item, false));
      story.awaitTrue("Ready", "Migrated");
      assertThat(story.migration().getStatus().getRehearsal().getResult()).isEqualTo("Passed");

      // The next release drops a column: rehearsed, then held for approval.
      story.apply(Release.V1_8_1, item -> destructive(item, true));
      var waiting = story.awaitTrue("Reconciling", "AwaitingApproval");
      var revision = story.migration().getStatus().getRevision();
      assertThat(waiting.getMessage())
          .contains("would drop or narrow: dropped column players.guardian_phone")
          .contains(
              "kubectl annotate smig -n %s %s schemagate.dev/approve=%s"
                  .formatted(story.namespace, Story.APP, revision));
      assertThat(story.migration().getStatus().getRehearsal().getResult())
          .isEqualTo("WaitingForApproval");
      assertThat(story.condition("Stalled").orElseThrow().getStatus()).isEqualTo("False");
      assertThat(story.jobs())
          .as("no production Job of the waiting revision")
          .noneMatch(j -> j.getMetadata().getName().equals(Story.APP + "-" + revision));
      assertThat(columnExists(story)).isTrue();

      story
          .client
          .resources(SchemaMigration.class)
          .inNamespace(story.namespace)
          .withName(Story.APP)
          .edit(
              m -> {
                var annotations = new HashMap<String, String>();
                if (m.getMetadata().getAnnotations() != null) {
                  annotations.putAll(m.getMetadata().getAnnotations());
                }
                annotations.put(SchemaMigration.APPROVE_ANNOTATION, revision);
                m.getMetadata().setAnnotations(annotations);
                return m;
              });

      await()
          .atMost(Story.TIMEOUT)
          .until(() -> revision.equals(story.migration().getStatus().getAppliedRevision()));
      story.awaitTrue("Ready", "Migrated");
      assertThat(columnExists(story)).isFalse();
      assertThat(story.migration().getStatus().getRehearsal().getResult()).isEqualTo("Passed");
    }
  }

  static boolean columnExists(Story story) throws Exception {
    return !story
        .query(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'players'"
                + " AND column_name = 'guardian_phone'")
        .isEmpty();
  }

  /** Approval Destructive, one try per Job; with the column-dropping V9 when {@code drop}. */
  @SuppressWarnings("unchecked")
  static void destructive(HasMetadata item, boolean drop) {
    if (item instanceof GenericKubernetesResource resource
        && "SchemaMigration".equals(resource.getKind())) {
      var spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
      ((Map<String, Object>) spec.get("job")).put("backoffLimit", 0);
      spec.put("approval", "Destructive");
    }
    if (drop
        && item instanceof ConfigMap configMap
        && BasketballExample.MIGRATIONS.equals(configMap.getMetadata().getName())) {
      var data = new HashMap<>(configMap.getData());
      data.put(V9, "ALTER TABLE players DROP COLUMN guardian_phone;");
      configMap.setData(data);
    }
  }
}
