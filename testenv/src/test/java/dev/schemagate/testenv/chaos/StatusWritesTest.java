package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.bench.RequestLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusWritesTest {
  @Test
  void countsStatusPatchesAndPutsPerMigrationOnly() {
    var base = "https://127.0.0.1:1/apis/schemagate.dev/v1alpha1/namespaces/fuzz/schemamigrations/";
    var lines =
        List.of(
            "REQUEST: " + base + "a/status?fieldManager=schemagate PATCH",
            "REQUEST: " + base + "a/status PUT",
            "REQUEST: " + base + "b/status PATCH",
            "REQUEST: " + base + "b PATCH",
            "REQUEST: " + base + "c/status GET",
            "REQUEST: " + base + "?watch=true GET");
    assertThat(StatusWrites.perMigration(RequestLog.requests(lines)))
        .isEqualTo(Map.of("fuzz/a", 2, "fuzz/b", 1));
  }
}
