package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.BasketballExample.Release;
import dev.schemagate.testenv.Command;
import dev.schemagate.testenv.Kubectl;
import dev.schemagate.testenv.PythonVenv;
import dev.schemagate.testenv.node.ImageMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A first install with Alembic in the app's own image, as basketball-api ran it. Image 1.8 carries
 * the broken 008, image 1.8.1 the fixed one; on the local node each image is the example's Alembic
 * project in a virtualenv built from PyPI, and the app a process that needs its release's schema.
 */
class AlembicSeedStoryIT {
  static final String BROKEN = Release.V1_8.image;
  static final String FIXED = Release.V1_8_1.image;

  /**
   * The app image at a release: its CMD is the app, `alembic` is on its PATH with its alembic.ini.
   */
  static ImageMap.Image release(String alembicIni, List<String> cmd, String requires) {
    var env =
        Map.of(
            "PATH",
            PythonVenv.bin() + ":{env:PATH}",
            "ALEMBIC_CONFIG",
            PythonVenv.alembicProject().resolve(alembicIni).toString(),
            "BASKETBALL_API_REQUIRES",
            requires);
    return new ImageMap.Image(
        List.of(), cmd, List.of(), env, PythonVenv.alembicProject().toString());
  }

  static final List<String> APP =
      List.of("{java}", "-cp", "{classpath}", "dev.schemagate.testenv.BasketballApp");

  /** Each release's image: its Alembic history, and the table its app needs. */
  static Map<String, ImageMap.Image> images() {
    return Map.of(
        Release.V1_7.image,
        release("alembic-1.7.ini", APP, "players"),
        BROKEN,
        release("alembic-1.8.0.ini", APP, "teams"),
        FIXED,
        release("alembic.ini", APP, "teams"));
  }

  @Test
  void alembicInTheAppImageIsGatedTheSameWay() throws Exception {
    try (var story = new Story("alembic-seed", images()).withOperator()) {
      alembic(story.url, "alembic.ini", "upgrade", "007");
      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("007");

      story.apply(Release.V1_8, AlembicSeedStoryIT::alembicSource);

      var stalled = story.awaitTrue("Stalled", "MigrationFailed");
      // FallbackToLogsOnError leaves the traceback's last 2 KiB; the message has its cause only.
      var job = story.migration().getStatus().getJob();
      assertThat(stalled.getMessage())
          .contains(
              ("Job \"%s\" failed (BackoffLimitExceeded): SQLSTATE 42710:"
                      + " sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type"
                      + " \"division\" already exists [SQL: CREATE TYPE division AS ENUM ('boys',"
                      + " 'girls')] (kubectl logs -n %s job/%s for the rest)")
                  .formatted(job, story.namespace, job))
          .doesNotContain("Traceback", "File \"");
      assertThat(story.awaitWarnings("MigrationFailed"))
          .singleElement()
          .satisfies(e -> assertThat(e.getMessage()).contains("The end of its output:", "File \""));
      // The app's settings reach the migration only through the app's template: env.py imports
      // them, and the SchemaMigration names none of them.
      var migrate = migrateContainer(story);
      assertThat(migrate.getEnvFrom())
          .extracting(from -> from.getConfigMapRef().getName())
          .containsExactly(BasketballExample.SETTINGS);
      assertThat(migrate.getEnv())
          .filteredOn(e -> e.getName().equals("BASKETBALL_SECRET_KEY"))
          .singleElement()
          .satisfies(
              e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(APP_SECRET));
      assertThat(migrate.getEnv()).extracting(EnvVar::getName).doesNotContain("BASKETBALL_TENANT");
      assertThat(story.migration().getSpec().getJob().getPodTemplate()).isNull();
      System.out.println(
          "[alembic-seed] kubectl get smig:\n"
              + Kubectl.run(story.plane.kubeconfig(), null, "get", "smig", "-n", story.namespace));
      assertThat(story.readyReplicas()).isZero();
      assertThat(story.appStarts()).as("app processes started while 008 was broken").isZero();
      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("007");
      assertThat(story.tableExists("teams")).isFalse();

      // 1.8.1: a new image is a new revision.
      story.apply(Release.V1_8_1, AlembicSeedStoryIT::alembicSource);
      story.awaitTrue("Ready", "Migrated");
      await().atMost(Story.TIMEOUT).until(() -> story.readyReplicas() == 3);

      assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("008");
      assertThat(story.tableExists("teams")).isTrue();
      assertThat(story.appStarts()).isEqualTo(3);
      assertThat(story.migration().getSpec().getCommand().getImage()).isNull();
      assertThat(story.migration().getStatus().getImage()).isEqualTo(FIXED);
    }
  }

  @Test
  void withoutTheAppsTemplateTheMigrationFailsOnTheAppsSettings() throws Exception {
    try (var story = new Story("alembic-no-inherit", images()).withOperator()) {
      story.apply(
          Release.V1_7,
          item -> {
            alembicSource(item);
            job(item).ifPresent(job -> job.put("inherit", "None"));
          });

      var stalled = story.awaitTrue("Stalled", "MigrationFailed");
      assertThat(stalled.getMessage()).contains("KeyError: 'BASKETBALL_TENANT'");
      assertThat(migrateContainer(story).getEnvFrom()).isEmpty();
      assertThat(story.tableExists("alembic_version")).isFalse();
      assertThat(story.appStarts()).isZero();
    }
  }

  static final String APP_SECRET = "basketball-api";

  /** The migrate container of the one migration Job's pod template. */
  static Container migrateContainer(Story story) {
    var jobs = story.jobs();
    assertThat(jobs).hasSize(1);
    var containers = jobs.get(0).getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(Container::getName).containsExactly("migrate");
    return containers.get(0);
  }

  /** The SchemaMigration's spec.job, if {@code item} is the example's SchemaMigration. */
  @SuppressWarnings("unchecked")
  static Optional<Map<String, Object>> job(HasMetadata item) {
    if (item instanceof GenericKubernetesResource resource
        && SchemaMigration.class.getSimpleName().equals(resource.getKind())) {
      var spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
      return Optional.of((Map<String, Object>) spec.get("job"));
    }
    return Optional.empty();
  }

  /**
   * The example switched to its commented-out `command` source: Alembic in the Deployment's own
   * image, whatever the release.
   */
  @SuppressWarnings("unchecked")
  static void alembicSource(HasMetadata item) {
    if (item instanceof GenericKubernetesResource resource
        && SchemaMigration.class.getSimpleName().equals(resource.getKind())) {
      var spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
      spec.remove("flyway");
      var command = new LinkedHashMap<String, Object>();
      command.put("command", List.of("alembic"));
      command.put("args", List.of("upgrade", "head"));
      spec.put("command", command);
      ((Map<String, Object>) spec.get("job")).put("backoffLimit", 0);
    }
  }

  static void alembic(String url, String ini, String... args) throws Exception {
    var command =
        new ArrayList<>(
            List.of(
                PythonVenv.bin().resolve("alembic").toString(),
                "-c",
                PythonVenv.alembicProject().resolve(ini).toString()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true);
    process.environment().putAll(BasketballExample.SETTINGS_ENV);
    process.environment().put("DATABASE_URL", url);
    Command.run(process, null, Duration.ofMinutes(2)).ok();
  }
}
