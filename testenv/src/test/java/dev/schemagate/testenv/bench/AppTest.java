package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

class AppTest {
  private final App app = new App("bench-3", "app-0042");

  @Test
  void theSchemaMigrationNamesItsConfigMapAndDeployment() {
    var manifests = app.manifests();

    assertThat(manifests)
        .extracting(HasMetadata::getClass)
        .containsExactly(ConfigMap.class, Deployment.class, SchemaMigration.class);
    assertThat(manifests)
        .allSatisfy(m -> assertThat(m.getMetadata().getNamespace()).isEqualTo("bench-3"));
    var migration = app.schemaMigration();
    assertThat(migration.getSpec().getTarget().getDeployment())
        .isEqualTo(app.deployment().getMetadata().getName());
    assertThat(migration.getSpec().getFlyway().getConfigMapRef().getName())
        .isEqualTo(app.migrations().getMetadata().getName());
    assertThat(app.migrations().getData())
        .containsOnlyKeys("V1__init.sql")
        .containsValue("create table app_0042 (id int primary key);");
  }

  @Test
  void theDeploymentSaysItsReplicas() {
    assertThat(app.deployment().getSpec().getReplicas()).isEqualTo(1);
    assertThat(new App("bench-3", "app-0042", 2).deployment().getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void theDeploymentKeepsEveryOldPodUntilANewOneIsReady() {
    var strategy = app.deployment().getSpec().getStrategy();

    assertThat(strategy.getType()).isEqualTo("RollingUpdate");
    assertThat(strategy.getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(strategy.getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
  }

  @Test
  void theImagePatchNamesTheAppContainer() {
    var container = app.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(container.getName()).isEqualTo(App.CONTAINER);
    assertThat(container.getImage()).isEqualTo(App.IMAGE);
    assertThat(App.imagePatch("bench-app:2"))
        .isEqualTo(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"app\",\"image\":\"bench-app:2\"}]}}}}");
  }

  @Test
  void aPopulationSpreadsAppsOverTheNamespacesByNumber() {
    assertThat(App.population(0, 5, 2))
        .extracting(App::toString)
        .containsExactly(
            "bench-0/app-0000",
            "bench-0/app-0002",
            "bench-0/app-0004",
            "bench-1/app-0001",
            "bench-1/app-0003");
    // Grown from 5 to 8: the next ones, in the same namespaces as if made at once.
    assertThat(App.population(5, 8, 2))
        .extracting(App::toString)
        .containsExactly("bench-0/app-0006", "bench-1/app-0005", "bench-1/app-0007");
  }
}
