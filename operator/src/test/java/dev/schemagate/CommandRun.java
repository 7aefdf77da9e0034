package dev.schemagate;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** A schemagate command run in-process through the real entry point, and what it printed. */
public record CommandRun(int exitCode, String out, String err) {
  /** Runs {@code command} (the subcommand and any options of its own) followed by {@code args}. */
  public static CommandRun of(List<String> command, String... args) {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of(args));
    var out = new StringWriter();
    var err = new StringWriter();
    int exitCode =
        Main.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(argv.toArray(String[]::new));
    return new CommandRun(exitCode, out.toString(), err.toString());
  }
}
