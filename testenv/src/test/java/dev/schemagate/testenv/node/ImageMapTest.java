package dev.schemagate.testenv.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.Binaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageMapTest {
  private static final Path DEFAULTS = Binaries.testenvDir().resolve("images.yaml");

  @Test
  void committedFileMapsTheRunnerAndTheApp() {
    var images = ImageMap.load(DEFAULTS, Optional.empty(), Map.of());

    var runner = images.find("schemagate:latest").orElseThrow();
    assertThat(runner.command())
        .containsExactly("{java}", "-cp", "{classpath}", "dev.schemagate.Main");
    assertThat(runner.appendArgs()).containsExactly("--termination-log", "{terminationLog}");
    assertThat(images.find("basketball-api:1.8.0").orElseThrow().args())
        .endsWith("dev.schemagate.testenv.BasketballApp");
    assertThat(images.find("postgres:16")).isEmpty();
  }

  @Test
  void exactReferenceWinsOverRepositoryAndLaterLayersWin(@TempDir Path dir) throws IOException {
    var user =
        Files.writeString(
            dir.resolve("images.yaml"),
            """
            basketball-api:
              args: [alembic, upgrade, head]
              env: {PATH: "/venv/bin:{env:PATH}"}
            registry.example.com:5000/app:
              command: [app]
            """);
    var images =
        ImageMap.load(
            DEFAULTS,
            Optional.of(user),
            Map.of("registry.example.com:5000/app:2", ImageMap.Image.entrypoint("two")));

    assertThat(images.find("basketball-api:1.8.0").orElseThrow().env())
        .containsEntry("PATH", "/venv/bin:{env:PATH}");
    assertThat(images.find("registry.example.com:5000/app:1").orElseThrow().command())
        .containsExactly("app");
    assertThat(images.find("registry.example.com:5000/app@sha256:abc").orElseThrow().command())
        .containsExactly("app");
    assertThat(images.find("registry.example.com:5000/app:2").orElseThrow().command())
        .containsExactly("two");
    assertThat(images.find("schemagate").orElseThrow().command()).contains("dev.schemagate.Main");
  }

  @Test
  void repositoryDropsTagAndDigestButNotARegistryPort() {
    assertThat(ImageMap.repository("schemagate:latest")).isEqualTo("schemagate");
    assertThat(ImageMap.repository("localhost:5000/app")).isEqualTo("localhost:5000/app");
    assertThat(ImageMap.repository("localhost:5000/app:1.0@sha256:abc"))
        .isEqualTo("localhost:5000/app");
    assertThat(ImageMap.repository("app")).isEqualTo("app");
  }
}
