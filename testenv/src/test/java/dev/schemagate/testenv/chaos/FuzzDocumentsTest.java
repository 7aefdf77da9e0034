package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FuzzDocumentsTest {
  static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(20_000)
                      .maxStringLength(Integer.MAX_VALUE)
                      .build())
              .build());

  @Test
  void theSameSeedGivesTheSameDocuments() {
    assertThat(FuzzDocuments.generate(7, 50)).isEqualTo(FuzzDocuments.generate(7, 50));
    assertThat(FuzzDocuments.generate(7, 50)).isNotEqualTo(FuzzDocuments.generate(8, 50));
  }

  @Test
  void aSmallRunHasEveryClass() {
    var kinds =
        FuzzDocuments.generate(1, FuzzClass.values().length).stream()
            .map(FuzzDocument::kind)
            .collect(Collectors.toSet());
    assertThat(kinds).containsExactlyInAnyOrder(FuzzClass.values());
  }

  @Test
  void everyDocumentIsJsonWithAUniqueNameAndNamesTheFieldItDamages() throws Exception {
    var documents = FuzzDocuments.generate(42, 300);
    var names = new HashSet<String>();
    for (var d : documents) {
      var tree = JSON.readTree(d.json());
      assertThat(tree.path("kind").asText()).isEqualTo("SchemaMigration");
      assertThat(names.add(d.name())).as(d.name()).isTrue();
      if (d.kind() == FuzzClass.VALID) {
        assertThat(d.field()).isNull();
        assertThat(d.mustBeRejected()).isFalse();
      } else {
        assertThat(d.field()).as(d.kind() + " " + d.index()).isNotNull();
      }
      if (d.kind() == FuzzClass.MISSING_FIELD
          || d.kind() == FuzzClass.WRONG_TYPE
          || d.kind() == FuzzClass.UNKNOWN_FIELD
          || d.kind() == FuzzClass.DEEP_NESTING) {
        assertThat(d.mustBeRejected()).as(d.kind() + " " + d.index()).isTrue();
      }
    }
  }

  @Test
  void limitsAreExactlyAtOrOnePast() throws Exception {
    var seen = new HashSet<String>();
    for (var d : FuzzDocuments.generate(3, 600)) {
      if (d.kind() != FuzzClass.LIMIT) {
        continue;
      }
      var value = at(JSON.readTree(d.json()), d.field());
      var limits =
          Map.of(
              "metadata.name", List.of(52, 253),
              "spec.target.deployment", List.of(63),
              "spec.database.urlSecretRef.key", List.of(253),
              "spec.command.image", List.of(1024),
              "spec.job.backoffLimit", List.of(0, 20),
              "spec.job.activeDeadlineSeconds", List.of(1, 86400));
      if (!limits.containsKey(d.field())) {
        continue;
      }
      long measured = value.isTextual() ? value.asText().length() : value.asLong();
      var allowed = limits.get(d.field());
      var past = d.mustBeRejected() && !(d.field().equals("metadata.name") && measured == 253);
      var expected =
          past
              ? allowed.stream().map(l -> List.of(l - 1L, l + 1L)).flatMap(List::stream).toList()
              : allowed.stream().map(Integer::longValue).toList();
      assertThat(expected).as(d.field() + " " + measured).contains(measured);
      seen.add(d.field() + (d.mustBeRejected() ? " past" : " at"));
    }
    assertThat(seen)
        .contains("metadata.name at", "metadata.name past", "spec.job.backoffLimit past");
  }

  @Test
  void nestingReachesTenThousandAndStringsCarryWhatASerializerWouldRefuse() throws Exception {
    var documents = FuzzDocuments.generate(42, 300);
    assertThat(documents)
        .anySatisfy(d -> assertThat(d.json()).contains("{\"a\":".repeat(10_000)))
        .anySatisfy(d -> assertThat(d.json()).contains("\\ud800"))
        .anySatisfy(d -> assertThat(d.json()).contains("\\u0000"))
        .anySatisfy(d -> assertThat(d.json().length()).isGreaterThan(1024 * 1024));
  }

  static JsonNode at(JsonNode tree, String path) {
    var node = tree;
    for (var part : path.split("\\.")) {
      node = node.path(part);
    }
    return node;
  }

  @Test
  void jsonEscapesEverythingOutsidePrintableAscii() {
    assertThat(Json.write(Map.of("k", "a\"\\\n\u00e9")))
        .isEqualTo("{\"k\":\"a\\\"\\\\\\u000a\\u00e9\"}");
    assertThat(Json.write(List.of(1, true, 2.5, Arrays.asList((Object) null))))
        .isEqualTo("[1,true,2.5,[null]]");
    assertThat(Json.write(new Json.Nested(2, "x"))).isEqualTo("{\"a\":{\"a\":\"x\"}}");
  }
}
