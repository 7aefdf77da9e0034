package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.PythonVenv;
import dev.schemagate.testenv.node.ImageMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * basketball-api#85 as it happened: Alembic in the app's own image. Image 1.8.0 carries the broken
 * 008, image 1.8.1 the fixed one; on the local node each image is the example's Alembic project in
 * a virtualenv built from PyPI, and the app a process that needs the teams table.
 */
class AlembicSeedStoryIT {
  static final String BROKEN = "basketball-api:1.8.0";
  static final String FIXED = "basketball-api:1.8.1";

  /**
   * The app image at a release: its CMD is the app, `alembic` is on its PATH with its alembic.ini.
   */
  static ImageMap.Image release(String alembicIni, List<String> cmd) {
    var env =
        Map.of(
            "PATH",
            PythonVenv.bin() + ":{env:PATH}",
            "ALEMBIC_CONFIG",
            PythonVenv.alembicProject().resolve(alembicIni).toString());
    return new ImageMap.Image(
        List.of(), cmd, List.of(), env, PythonVenv.alembicProject().toString());
  }

  static final List<String> APP =
      List.of("{java}", "-cp", "{classpath}", "dev.schemagate.testenv.BasketballApp");

  static Map<String, ImageMap.Image> images() {
    return Map.of(BROKEN, release("alembic-1.8.0.ini", APP), FIXED, release("alembic.ini", APP));
  }

  @Test
  void alembicInTheAppImageIsGatedTheSameWay() throws Exception {
    try (var story = new Story("alembic-seed", images()).withOperator()) {
      alembic(story.url, "alembic.ini", "upgrade", "007");
      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("007");

      BasketballExample.apply(
          story.client, story.namespace, story.url, Map.of(), item -> release(item, BROKEN));

      var stalled = story.awaitTrue("Stalled", "MigrationFailed");
      // FallbackToLogsOnError: Alembic's own last lines, with the server's error.
      assertThat(stalled.getMessage()).contains("type \"division\" already exists");
      assertThat(story.replicas()).isZero();
      assertThat(story.appStarts()).as("app processes started while 008 was broken").isZero();
      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("007");
      assertThat(story.tableExists("teams")).isFalse();

      // 1.8.1: a new image is a new revision.
      BasketballExample.apply(
          story.client, story.namespace, story.url, Map.of(), item -> release(item, FIXED));
      story.awaitTrue("Ready", "Migrated");
      await().atMost(Story.TIMEOUT).until(() -> story.readyReplicas() == 3);

      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("008");
      assertThat(story.tableExists("teams")).isTrue();
      assertThat(story.appStarts()).isEqualTo(3);
      assertThat(story.migration().getSpec().getCommand().getImage()).isEqualTo(FIXED);
    }
  }

  /**
   * The example switched to its commented-out `command` source, at one image for app and migration.
   */
  @SuppressWarnings("unchecked")
  static void release(HasMetadata item, String image) {
    if (item instanceof GenericKubernetesResource resource
        && SchemaMigration.class.getSimpleName().equals(resource.getKind())) {
      var spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
      spec.remove("flyway");
      var command = new LinkedHashMap<String, Object>();
      command.put("image", image);
      command.put("command", List.of("alembic"));
      command.put("args", List.of("upgrade", "head"));
      spec.put("command", command);
      ((Map<String, Object>) spec.get("job")).put("backoffLimit", 0);
    }
    if (item instanceof Deployment deployment) {
      deployment.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
    }
  }

  static void alembic(String url, String ini, String... args) throws Exception {
    var command =
        new java.util.ArrayList<>(
            List.of(
                PythonVenv.bin().resolve("alembic").toString(),
                "-c",
                PythonVenv.alembicProject().resolve(ini).toString()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true);
    process.environment().put("DATABASE_URL", url);
    var p = process.start();
    var out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }
}
