package dev.schemagate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed CRDs are generated from the Java model: the build fails when they are stale. */
class CrdIsCurrentTest {
  static final String FILE = "schemamigrations.schemagate.dev-v1.yml";

  @ParameterizedTest
  @ValueSource(strings = {"../crds", "../charts/schemagate/crds"})
  void committedCrdMatchesTheModel(String dir) throws IOException {
    var generated = Files.readString(Path.of("target/classes/META-INF/fabric8", FILE));
    var committed = Path.of(dir, FILE);
    assertThat(committed).exists();
    assertThat(Files.readString(committed))
        .as(
            "%s is stale: run `mvn -pl operator -Pupdate-crds process-classes` and commit it",
            committed)
        .isEqualTo(generated);
  }
}
