package dev.schemagate.runner;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the runner lands. */
@Command(name = "migrate", description = "Apply Flyway SQL migrations to PostgreSQL.")
public final class MigrateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
