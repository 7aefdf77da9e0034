package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testenv.AppDeployment;
import dev.schemagate.testenv.BasketballExample;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The problem SchemaGate removes, reproduced: basketball-api as it shipped, running `alembic
 * upgrade head` before the app in every pod, without SchemaGate. Every pod re-runs the broken
 * migration, fails, and the Deployment sits in CrashLoopBackOff.
 */
class WithoutSchemaGateIT {
  static final String IMAGE = "basketball-api:1.8.0-entrypoint";

  @Test
  void everyPodRunsTheBrokenMigrationAndCrashLoops() throws Exception {
    // The Dockerfile's CMD of the issue: migrate, then start the server.
    var cmd =
        List.of(
            "sh",
            "-c",
            "alembic upgrade head && exec {java} -cp {classpath}"
                + " dev.schemagate.testenv.BasketballApp");
    var images = Map.of(IMAGE, AlembicSeedStoryIT.release("alembic-1.8.0.ini", cmd, "teams"));
    try (var story = new Story("without-schemagate", images)) {
      AlembicSeedStoryIT.alembic(story.url, "alembic.ini", "upgrade", "007");
      story
          .client
          .resource(
              AppDeployment.of(
                  story.namespace,
                  Story.APP,
                  2,
                  new ContainerBuilder()
                      .withName("api")
                      .withImage(IMAGE)
                      .withEnv(
                          BasketballExample.SETTINGS_ENV.entrySet().stream()
                              .map(e -> new EnvVar(e.getKey(), e.getValue(), null))
                              .toList())
                      .addNewEnv()
                      .withName("DATABASE_URL")
                      .withValue(story.podUrl)
                      .endEnv()
                      // As in examples/basketball-api: without a readiness probe a pod would
                      // count Ready for the moment alembic runs before each crash.
                      .addNewPort()
                      .withName("http")
                      .withContainerPort(8000)
                      .endPort()
                      .withNewReadinessProbe()
                      .withNewHttpGet()
                      .withPath("/healthz")
                      .withNewPort(8000)
                      .endHttpGet()
                      .withPeriodSeconds(1)
                      .endReadinessProbe()
                      .build()))
          .create();

      await()
          .atMost(Story.TIMEOUT)
          .untilAsserted(
              () -> {
                var pods = pods(story);
                assertThat(pods).hasSize(2);
                assertThat(pods)
                    .allSatisfy(
                        p -> {
                          var status = status(p);
                          assertThat(status.getRestartCount()).isGreaterThanOrEqualTo(2);
                          assertThat(status.getState().getWaiting()).isNotNull();
                          assertThat(status.getState().getWaiting().getReason())
                              .isEqualTo("CrashLoopBackOff");
                        });
              });
      assertThat(story.readyReplicas()).isZero();
      var pod = pods(story).get(0);
      assertThat(story.appLog(pod.getMetadata().getName()))
          .contains("type \"division\" already exists");
      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("007");
      var restarts = pods(story).stream().mapToInt(p -> status(p).getRestartCount()).sum();
      System.out.printf("e2e_without_schemagate pods=2 restarts=%d ready=0%n", restarts);
    }
  }

  static List<Pod> pods(Story story) {
    return story
        .client
        .pods()
        .inNamespace(story.namespace)
        .withLabel("app.kubernetes.io/name", Story.APP)
        .list()
        .getItems();
  }

  static ContainerStatus status(Pod pod) {
    var statuses = pod.getStatus().getContainerStatuses();
    if (statuses == null || statuses.isEmpty()) {
      throw new AssertionError(
          "pod " + pod.getMetadata().getName() + " has no container status yet");
    }
    return statuses.get(0);
  }
}
