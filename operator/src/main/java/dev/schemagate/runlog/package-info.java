/**
 * The migration run's output, as both sides read it: the runner writes it in the migration pod and
 * the operator reads it back from the pod's log and termination message. The lock-wait line, the
 * SQLSTATEs that mean the database rather than the migration failed, and the one masker of
 * passwords for any text shown to anyone.
 */
package dev.schemagate.runlog;
