package dev.schemagate.testenv.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Kubernetes' command/args rules over an image map entry, placeholders, mount paths and ports. */
class ContainerLaunchTest {
  private static final Path POD = Path.of("/node/pods/ns/p");
  private static final Path TERMINATION_LOG = POD.resolve("c.termination-log");
  private static final ImageMap.Image RUNNER =
      new ImageMap.Image(
          List.of("{java}", "-cp", "{classpath}", "dev.schemagate.Main"),
          List.of("--help"),
          List.of("--termination-log", "{terminationLog}"),
          null,
          null);

  @Test
  void argsReplaceTheImageArgsAndKeepEntrypointAndAppendArgs() throws Exception {
    var launch = launch(container().withArgs("migrate").build(), RUNNER, Map.of());

    assertThat(launch.argv)
        .containsExactly(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            absolute(System.getProperty("java.class.path")),
            "dev.schemagate.Main",
            "migrate",
            "--termination-log",
            TERMINATION_LOG.toString());
    assertThat(launch.workingDir).isEqualTo(POD);
  }

  @Test
  void noArgsKeepTheImageArgs() throws Exception {
    assertThat(launch(container().build(), RUNNER, Map.of()).argv).contains("--help");
  }

  @Test
  void commandReplacesEntrypointArgsAndAppendArgsAndIsLookedUpOnTheEntryPath() throws Exception {
    var image =
        new ImageMap.Image(
            List.of("ignored"),
            List.of("ignored"),
            List.of("ignored"),
            Map.of("PATH", "/nowhere:/usr/bin:/bin"),
            null);

    var launch =
        launch(
            container().withCommand("sh", "-c").withArgs("echo $(GREETING) $$(GREETING)").build(),
            image,
            Map.of("GREETING", "hi"));

    assertThat(launch.argv.get(0)).isIn("/usr/bin/sh", "/bin/sh");
    assertThat(launch.argv.subList(1, 3)).containsExactly("-c", "echo hi $(GREETING)");
    assertThat(launch.env)
        .containsEntry("PATH", "/nowhere:/usr/bin:/bin")
        .containsEntry("GREETING", "hi");
  }

  @Test
  void missingExecutableIsAStartError() {
    var image = new ImageMap.Image(null, null, null, Map.of("PATH", "/nowhere"), null);

    assertThatThrownBy(() -> launch(container().withCommand("alembic").build(), image, Map.of()))
        .isInstanceOf(ContainerLaunch.StartException.class)
        .hasMessageStartingWith("exec: \"alembic\": executable file not found in $PATH");
  }

  @Test
  void mountPathsInEnvArgsAndWorkingDirBecomeHostPaths() throws Exception {
    var c =
        container()
            .withCommand("/bin/sh")
            .withArgs("/migrations/V1__a.sql", "/migrationsX", "/dev/termination-log")
            .withWorkingDir("/migrations")
            .addNewVolumeMount()
            .withName("sql")
            .withMountPath("/migrations/")
            .endVolumeMount()
            .build();

    var launch =
        launch(
            c,
            RUNNER,
            Map.of("MIGRATIONS_DIR", "/migrations"),
            Map.of("sql", POD.resolve("volumes/sql")));

    assertThat(launch.argv)
        .containsExactly(
            "/bin/sh",
            POD.resolve("volumes/sql/V1__a.sql").toString(),
            "/migrationsX",
            TERMINATION_LOG.toString());
    assertThat(launch.env).containsEntry("MIGRATIONS_DIR", POD.resolve("volumes/sql").toString());
    assertThat(launch.workingDir).isEqualTo(POD.resolve("volumes/sql"));
  }

  @Test
  void portsOverrideTheContainerEnv() throws Exception {
    var c =
        container()
            .withCommand("/bin/sh")
            .addNewPort()
            .withContainerPort(8000)
            .withName("http")
            .endPort()
            .addNewPort()
            .withContainerPort(9090)
            .withName("admin-api")
            .endPort()
            .build();
    var ports = HostPorts.allocate(c);

    var launch =
        ContainerLaunch.of(
            c, RUNNER, Map.of("PORT", "8000"), ports, Map.of(), POD, TERMINATION_LOG);

    assertThat(launch.env)
        .containsEntry("PORT", ports.byNumber().get(8000).toString())
        .containsEntry("PORT_HTTP", ports.byNumber().get(8000).toString())
        .containsEntry("PORT_ADMIN_API", ports.byNumber().get(9090).toString());
    assertThat(ports.byNumber().get(8000)).isNotEqualTo(ports.byNumber().get(9090));
  }

  private static ContainerBuilder container() {
    return new ContainerBuilder().withName("c").withImage("schemagate");
  }

  private static ContainerLaunch launch(Container c, ImageMap.Image image, Map<String, String> env)
      throws Exception {
    return launch(c, image, env, Map.of());
  }

  private static ContainerLaunch launch(
      Container c, ImageMap.Image image, Map<String, String> env, Map<String, Path> volumes)
      throws Exception {
    return ContainerLaunch.of(c, image, env, HostPorts.allocate(c), volumes, POD, TERMINATION_LOG);
  }

  /**
   * {classpath} is this JVM's class path with every entry made absolute: processes run in their
   * pod's directory.
   */
  private static String absolute(String classpath) {
    return Arrays.stream(classpath.split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
