package dev.schemagate.testenv.chaos;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/** What the API server, then the operator, made of one {@link FuzzDocument}. Pure. */
public final class FuzzAnswer {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** The API server's answer to the create. */
  public enum Verdict {
    /** Refused, and the message names the damaged field: what a user can act on. */
    REJECTED_WITH_FIELD,
    /** Refused, but the message does not name the field (a defect of the message). */
    REJECTED_WITHOUT_FIELD,
    /**
     * Refused by the API server's request limits before the body is decoded into any object (413
     * too large, JSON nested past the decoder's depth): no schema ran, so no field can be named by
     * anyone; Kubernetes' limit, not a defect of ours, and counted apart.
     */
    REJECTED_BEFORE_SCHEMA,
    /** A valid document refused (a defect of the schema). */
    REJECTED_VALID,
    /** Stored: the operator must bring it to a terminal condition. */
    ACCEPTED,
    /** Stored although it is wrong (a defect of the schema: the CRD should refuse it). */
    ACCEPTED_INVALID,
    /** 5xx, or no answer. */
    SERVER_ERROR
  }

  private FuzzAnswer() {}

  /**
   * @param code the HTTP status of the create, 0 when there was none
   * @param body the answer's body: a Status when refused
   */
  public static Verdict classify(FuzzDocument document, int code, String body) {
    if (code >= 200 && code < 300) {
      return document.mustBeRejected() ? Verdict.ACCEPTED_INVALID : Verdict.ACCEPTED;
    }
    if (code < 400 || code >= 500) {
      return Verdict.SERVER_ERROR;
    }
    if (document.field() == null) {
      return Verdict.REJECTED_VALID;
    }
    var message = message(body);
    if (code == 413 || message.contains("exceeded max depth")) {
      return Verdict.REJECTED_BEFORE_SCHEMA;
    }
    return namesField(message, document.field())
        ? Verdict.REJECTED_WITH_FIELD
        : Verdict.REJECTED_WITHOUT_FIELD;
  }

  /** The Status message and its causes' fields, or the body itself when it is no Status. */
  static String message(String body) {
    try {
      var status = JSON.unmarshal(body, Status.class);
      if (status == null || status.getMessage() == null) {
        return body;
      }
      var text = new StringBuilder(status.getMessage());
      if (status.getDetails() != null && status.getDetails().getCauses() != null) {
        status.getDetails().getCauses().forEach(c -> text.append(' ').append(c.getField()));
      }
      return text.toString();
    } catch (RuntimeException e) {
      return body;
    }
  }

  /**
   * Whether the message names the path as the API server writes paths: {@code
   * spec.target.deployment}, {@code spec.command.args[0]}.
   */
  static boolean namesField(String message, String field) {
    // The JSON decoder names metadata's fields by their Go struct: ObjectMeta.name.
    return message.contains(field)
        || (field.startsWith("metadata.")
            && message.contains("ObjectMeta." + field.substring("metadata.".length())));
  }

  /**
   * A stored SchemaMigration in a terminal state for its generation: kstatus Ready or Stalled True,
   * observed at its current generation.
   */
  public static boolean terminal(long generation, List<Condition> conditions) {
    return conditions != null
        && conditions.stream()
            .anyMatch(
                c ->
                    (c.getType().equals("Ready") || c.getType().equals("Stalled"))
                        && "True".equals(c.getStatus())
                        && c.getObservedGeneration() != null
                        && c.getObservedGeneration() == generation);
  }
}
