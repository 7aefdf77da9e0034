package dev.schemagate;

import dev.schemagate.rehearsal.RehearseCommand;
import dev.schemagate.runner.MigrateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** One jar, one image: the operator and the migration runner its Jobs execute. */
@Command(
    name = "schemagate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Gates Kubernetes rollouts on database migrations.",
    subcommands = {OperatorCommand.class, MigrateCommand.class, RehearseCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with migrate's parse errors reported as its other failures are. */
  public static CommandLine commandLine() {
    var commandLine = new CommandLine(new Main());
    var standard = commandLine.getParameterExceptionHandler();
    return commandLine.setParameterExceptionHandler(
        (e, args) ->
            e.getCommandLine().getCommand() instanceof MigrateCommand migrate
                ? migrate.invalidArguments(e)
                : standard.handleParseException(e, args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"schemagate " + (v == null ? "dev" : v)};
    }
  }
}
