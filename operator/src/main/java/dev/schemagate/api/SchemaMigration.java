package dev.schemagate.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Runs a database migration once, in a Job, for each image of a Deployment's app container, and
 * holds the pods of an image until its migration has succeeded.
 */
@Group(SchemaMigration.GROUP)
@Version(SchemaMigration.VERSION)
@ShortNames("smig")
@AdditionalPrinterColumn(
    name = "Target",
    jsonPath = ".spec.target.deployment",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Held",
    jsonPath = ".status.heldPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Image",
    jsonPath = ".status.image",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Revision",
    jsonPath = ".status.revision",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// crd-generator orders columns by jsonPath; the bracket form puts Message last, after Revision.
@AdditionalPrinterColumn(
    name = "Message",
    jsonPath = ".status['conditions'][?(@.type==\"Ready\")].message",
    type = AdditionalPrinterColumn.Type.STRING)
// The Job is named <name>-<10-char revision> and Job names must fit a 63-char label value.
@ValidationRule(
    value = "self.metadata.name.size() <= 52",
    message =
        "metadata.name must be at most 52 characters: the migration Job is named <name>-<revision>")
public class SchemaMigration extends CustomResource<SchemaMigrationSpec, SchemaMigrationStatus>
    implements Namespaced {
  public static final String GROUP = "schemagate.dev";
  public static final String VERSION = "v1alpha1";

  /** Any new value re-runs the current revision (for example after fixing the database by hand). */
  public static final String RETRY_ANNOTATION = GROUP + "/retry";

  /**
   * The revision a person approved for production (spec.approval): its value must be the revision
   * waiting.
   */
  public static final String APPROVE_ANNOTATION = GROUP + "/approve";

  private static final long serialVersionUID = 1L;

  @Override
  @Required
  public SchemaMigrationSpec getSpec() {
    return super.getSpec();
  }
}
