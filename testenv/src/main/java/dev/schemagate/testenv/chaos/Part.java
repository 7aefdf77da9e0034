package dev.schemagate.testenv.chaos;

/**
 * One part of the chaos run: it sets up what it needs in the shared cluster (a namespace of its
 * own), does its harm, prints its figures with {@code Output.put}, and reports what went wrong into
 * the context's tallies. Parts run one after another, each with the cluster to itself.
 */
interface Part {
  /** The name --parts selects it by. */
  String name();

  void run(ChaosContext context) throws Exception;
}
