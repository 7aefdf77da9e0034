package dev.schemagate.testenv.chaos;

/**
 * One generated SchemaMigration, as the bytes sent to the API server.
 *
 * @param name its metadata.name (what to read back when it is accepted)
 * @param kind the class of damage done to a valid document
 * @param field the path of the field it damages, e.g. {@code spec.target.deployment}; a rejection
 *     must name it
 * @param mustBeRejected true when the damage makes the document wrong (a required field missing, a
 *     value past its limit): accepting it is a defect of the CRD's validation
 * @param json the document
 */
public record FuzzDocument(
    int index, String name, FuzzClass kind, String field, boolean mustBeRejected, String json) {}
