package dev.schemagate.rehearsal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.api.Locks;
import dev.schemagate.runlog.Secrets;
import dev.schemagate.runner.DatabaseUrl;
import dev.schemagate.runner.InvalidInputException;
import dev.schemagate.runner.TerminationLog;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code schemagate rehearse}: a migration on a copy of production's schema, twice, before CI
 * merges it.
 */
@Command(
    name = "rehearse",
    mixinStandardHelpOptions = true,
    description = {
      "Rehearse a migration on a scratch copy of production's schema, then again on its own"
          + " result, without changing production.",
      "The copy is a database made on production's server (the role needs CREATEDB) from"
          + " pg_dump --schema-only, plus the rows of the migration tool's history tables; it is"
          + " dropped at the end. Prints the result, the schema changes and the strongest lock"
          + " taken on each existing table.",
      "Migration: --dir with Flyway SQL (run by schemagate migrate), or a command after --"
          + " that takes its database from $DATABASE_URL (see --url-variable)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:passed (a failed re-run only warns unless --idempotency=require)",
      "1:the migration failed on the copy, or its re-run failed with --idempotency=require",
      "2:invalid input (arguments, URL, directory, a command that cannot start)",
      "3:cannot connect to production, or cannot make the copy (no CREATEDB, pg_dump older than"
          + " the server, pg_dump's locks not granted within --dump-lock-timeout)",
      "4:unexpected error",
      "5:the migration makes a destructive change and --allow-destructive is not given"
    })
public final class RehearseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "${env:DATABASE_URL}",
      description =
          "Production's database: postgresql://user:password@host:port/db (default: $DATABASE_URL)")
  String url;

  @Option(
      names = "--dir",
      description = "A directory of Flyway SQL migrations (V<version>__<description>.sql)")
  Path dir;

  @Option(
      names = "--command",
      description = "Run the command given after -- (the default when one is given)")
  boolean commandGiven;

  @Parameters(
      paramLabel = "COMMAND",
      description = "The migration command, after --: alembic upgrade head")
  List<String> command = new ArrayList<>();

  @Option(
      names = "--url-variable",
      defaultValue = "DATABASE_URL",
      description =
          "The variable the command reads its database URL from (default: ${DEFAULT-VALUE});"
              + " PGDATABASE is set too")
  String urlVariable;

  @Option(
      names = "--revision",
      defaultValue = "${env:REVISION:-}",
      description =
          "What is rehearsed (a commit, a release), for the scratch database's name and the report")
  String revision;

  @Option(
      names = "--history-table",
      split = ",",
      description =
          "The migration tool's history table(s), name or schema.name, whose rows are copied;"
              + " replaces the defaults: flyway_schema_history, alembic_version,"
              + " django_migrations, schema_migrations, ar_internal_metadata, goose_db_version,"
              + " databasechangelog, knex_migrations, _prisma_migrations")
  List<String> historyTables;

  @Option(
      names = "--idempotency",
      defaultValue = "warn",
      converter = IdempotencyConverter.class,
      description =
          "require | warn | off: what a failed re-run on the migration's own result does"
              + " (default: ${DEFAULT-VALUE}: reported, not refused)")
  Idempotency idempotency;

  @Option(
      names = "--allow-destructive",
      description =
          "Pass even if the migration drops or narrows a table, column, type or value, or adds NOT"
              + " NULL to an existing column")
  boolean allowDestructive;

  @Option(
      names = "--output",
      defaultValue = "text",
      description =
          "text | json (default: ${DEFAULT-VALUE}); the migration's own output goes to stderr")
  String output;

  @Option(
      names = "--dump-lock-timeout",
      defaultValue = "5s",
      description =
          "How long pg_dump may wait for its ACCESS SHARE locks on production's tables"
              + " (default: ${DEFAULT-VALUE})")
  String dumpLockTimeout;

  @Option(
      names = "--sweep-after",
      defaultValue = "1h",
      description =
          "Drop scratch databases that killed rehearsals left, once this old (default:"
              + " ${DEFAULT-VALUE})")
  String sweepAfter;

  @Option(
      names = "--pg-dump",
      description =
          "The pg_dump to use (default: the newest installed); psql is taken from its directory")
  Path pgDump;

  @Option(
      names = "--lock-sample-period",
      defaultValue = "10ms",
      description =
          "How often pg_locks is read while the migration runs (default: ${DEFAULT-VALUE})")
  String lockSamplePeriod;

  @Option(
      names = "--termination-log",
      description =
          "File that receives the findings as compact JSON (at most 4000 bytes), for the operator"
              + " (default: /dev/termination-log when it is writable)")
  Path terminationLog;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    try {
      RehearsalReport report = Rehearsal.run(settings(), System.err);
      if (json()) {
        out.println(report.json());
      } else {
        report.lines().forEach(out::println);
      }
      out.flush();
      terminationLog(TerminationReport.of(report));
      return report.verdict().exitCode();
    } catch (InvalidInputException e) {
      return error(Verdict.INVALID_INPUT, e.getMessage());
    } catch (CopyException e) {
      return error(Verdict.CANNOT_COPY, e.getMessage());
    } catch (SQLException e) {
      return error(
          Verdict.CANNOT_COPY,
          "production's database: "
              + e.getMessage().strip()
              + " (SQLSTATE "
              + e.getSQLState()
              + ")");
    } catch (RuntimeException | Error e) {
      return error(Verdict.UNEXPECTED, "unexpected " + e);
    }
  }

  private Rehearsal.Settings settings() {
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("no database URL: pass --url or set DATABASE_URL");
    }
    DatabaseUrl.parse(url);
    if (commandGiven && command.isEmpty()) {
      throw new InvalidInputException(
          "--command needs the command after --: --command -- alembic upgrade head");
    }
    if ((dir == null) == command.isEmpty()) {
      throw new InvalidInputException(
          "give either --dir with Flyway SQL or a command after --, not "
              + (dir == null ? "neither" : "both"));
    }
    if (!output.equals("text") && !output.equals("json")) {
      throw new InvalidInputException("invalid --output: " + output + " (text or json)");
    }
    Migration migration =
        dir != null
            ? new Migration.FlywayDirectory(dir)
            : new Migration.Command(command, urlVariable);
    return new Rehearsal.Settings(
        url,
        migration,
        revision == null ? "" : revision,
        historyTables == null ? HistoryTables.DEFAULTS : historyTables,
        idempotency,
        allowDestructive,
        duration("--dump-lock-timeout", dumpLockTimeout),
        duration("--sweep-after", sweepAfter),
        pgDump,
        duration("--lock-sample-period", lockSamplePeriod));
  }

  private boolean json() {
    return "json".equals(output);
  }

  private int error(int exitCode, String message) {
    String line =
        Secrets.mask(message, DatabaseUrl.passwords(url)).strip().replaceAll("\\s*\\R\\s*", " ");
    spec.commandLine().getErr().println("rehearsal could not run: " + line);
    spec.commandLine().getErr().flush();
    terminationLog(TerminationReport.error(exitCode, line));
    if (json()) {
      try {
        spec.commandLine()
            .getOut()
            .println(
                new ObjectMapper()
                    .writeValueAsString(
                        Map.of("result", "error", "exitCode", exitCode, "message", line)));
        spec.commandLine().getOut().flush();
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return exitCode;
  }

  /** The findings for the operator, where it reads them; nothing when no file is given or found. */
  private void terminationLog(String compact) {
    TerminationLog.write(terminationLog, compact, spec.commandLine().getErr());
  }

  private static Duration duration(String option, String value) {
    try {
      Duration d = Locks.parseDuration(value);
      if (d.isZero() || d.isNegative()) {
        throw new InvalidInputException("invalid " + option + ": must be more than 0");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid " + option + ": " + e.getMessage());
    }
  }

  static final class IdempotencyConverter
      implements picocli.CommandLine.ITypeConverter<Idempotency> {
    @Override
    public Idempotency convert(String value) {
      return Idempotency.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
    }
  }
}
