package dev.schemagate.reconcile;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the reconciler lands. */
@Command(name = "operator", description = "Run the SchemaMigration operator.")
public final class OperatorCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
