package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartRunTest {
  @Test
  void theContainersArgsEnvAndJvmUnderItsMemoryLimit() {
    var run = ChartRun.of(deployment("-XX:MaxRAMPercentage=75 -Xss512k "));

    assertThat(run.args()).containsExactly("--leader-election=true");
    assertThat(run.env()).containsExactly(Map.entry("LOG_LEVEL", "info"));
    assertThat(run.jvm())
        .containsExactly(
            "-XX:MaxRAMPercentage=75", "-Xss512k", "-XX:MaxRAM=512m", "-XX:+UseSerialGC");
  }

  @Test
  void aCollectorTheChartChoosesIsKept() {
    assertThat(ChartRun.of(deployment("-XX:+UseParallelGC")).jvm())
        .containsExactly("-XX:+UseParallelGC", "-XX:MaxRAM=512m");
  }

  @Test
  void extraOptionsComeAfterTheChartsAndACollectorAmongThemReplacesTheChartsOwn() {
    var run = ChartRun.of(deployment("-Xss512k -Xmn16m"));

    assertThat(run.jvmWith(List.of("-Xmn8m")))
        .containsExactly("-Xss512k", "-Xmn16m", "-XX:MaxRAM=512m", "-XX:+UseSerialGC", "-Xmn8m");
    assertThat(run.jvmWith(List.of("-XX:+UseShenandoahGC", "-XX:ShenandoahGCHeuristics=compact")))
        .containsExactly(
            "-Xss512k",
            "-Xmn16m",
            "-XX:MaxRAM=512m",
            "-XX:+UseShenandoahGC",
            "-XX:ShenandoahGCHeuristics=compact");
  }

  private static Deployment deployment(String javaToolOptions) {
    return new DeploymentBuilder()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withArgs("operator", "--health-port=8080", "--leader-election=true")
        .withEnv(
            new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS").withValue(javaToolOptions).build(),
            new EnvVarBuilder().withName("LOG_LEVEL").withValue("info").build(),
            new EnvVarBuilder()
                .withName("POD_NAMESPACE")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endValueFrom()
                .build())
        .withNewResources()
        .withLimits(Map.of("memory", new Quantity("512Mi")))
        .endResources()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
