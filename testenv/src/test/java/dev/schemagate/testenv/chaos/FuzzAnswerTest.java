package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.chaos.FuzzAnswer.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FuzzAnswerTest {
  static final String INVALID =
      """
      {"kind":"Status","apiVersion":"v1","status":"Failure","message":"SchemaMigration.schemagate.dev \\"fz-1\\" is invalid: spec.target.deployment: Too long: may not be more than 63 bytes","reason":"Invalid","details":{"causes":[{"reason":"FieldValueTooLong","field":"spec.target.deployment"}]},"code":422}
      """;
  static final String UNKNOWN =
      """
      {"kind":"Status","apiVersion":"v1","status":"Failure","message":"strict decoding error: unknown field \\"spec.target.Target\\"","reason":"BadRequest","code":400}
      """;

  static FuzzDocument document(String field, boolean mustBeRejected) {
    return new FuzzDocument(
        1, "fz-1", field == null ? FuzzClass.VALID : FuzzClass.LIMIT, field, mustBeRejected, "{}");
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {4}")
  @CsvSource(
      nullValues = "null",
      value = {
        "spec.target.deployment, true,  422, INVALID, REJECTED_WITH_FIELD",
        "spec.target.container,  true,  422, INVALID, REJECTED_WITHOUT_FIELD",
        "spec.target.Target,     true,  400, UNKNOWN, REJECTED_WITH_FIELD",
        "null,                   false, 422, INVALID, REJECTED_VALID",
        "null,                   false, 201, '',      ACCEPTED",
        "spec.command.args[0],   false, 201, '',      ACCEPTED",
        "spec.command.image,     true,  201, '',      ACCEPTED_INVALID",
        "spec.command.image,     true,  500, '',      SERVER_ERROR",
        "spec.command.image,     true,  0,   '',      SERVER_ERROR",
        "spec.command.image,     true,  413, 'request entity too large', REJECTED_BEFORE_SCHEMA",
        "metadata.name,          true,  400, 'json: cannot unmarshal bool into Go struct field"
            + " ObjectMeta.name of type string', REJECTED_WITH_FIELD",
        "metadata.name,          true,  400, 'json parse error: exceeded max depth',"
            + " REJECTED_BEFORE_SCHEMA",
        "spec.flyway.nested,     true,  400, 'json parse error: invalid character',"
            + " REJECTED_WITHOUT_FIELD",
      })
  void classifiesTheApiServersAnswer(
      String field, boolean mustBeRejected, int code, String body, Verdict expected) {
    var text =
        switch (body) {
          case "INVALID" -> INVALID;
          case "UNKNOWN" -> UNKNOWN;
          default -> body;
        };
    assertThat(FuzzAnswer.classify(document(field, mustBeRejected), code, text))
        .isEqualTo(expected);
  }

  @Test
  void aNonStatusBodyIsReadAsItIs() {
    assertThat(FuzzAnswer.message("spec.job: oops")).isEqualTo("spec.job: oops");
    assertThat(FuzzAnswer.message(UNKNOWN)).contains("unknown field \"spec.target.Target\"");
  }

  static Condition condition(String type, String status, Long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withObservedGeneration(generation)
        .build();
  }

  @Test
  void terminalIsReadyOrStalledAtTheCurrentGeneration() {
    assertThat(FuzzAnswer.terminal(1, List.of(condition("Stalled", "True", 1L)))).isTrue();
    assertThat(FuzzAnswer.terminal(1, List.of(condition("Ready", "True", 1L)))).isTrue();
    assertThat(FuzzAnswer.terminal(2, List.of(condition("Ready", "True", 1L)))).isFalse();
    assertThat(FuzzAnswer.terminal(1, List.of(condition("Reconciling", "True", 1L)))).isFalse();
    assertThat(FuzzAnswer.terminal(1, List.of(condition("Stalled", "False", 1L)))).isFalse();
    assertThat(FuzzAnswer.terminal(1, List.of(condition("Stalled", "True", null)))).isFalse();
    assertThat(FuzzAnswer.terminal(1, null)).isFalse();
  }
}
