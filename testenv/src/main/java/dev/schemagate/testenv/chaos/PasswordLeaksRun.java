package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.progress;
import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.OperatorProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The migration runner ({@code schemagate migrate}, the jar in a JVM of its own, as a Job's pod
 * runs it) given database URLs that hold a canary password, well-formed and malformed, against a
 * real PostgreSQL: its stdout, stderr and termination log (which the operator copies into status,
 * the condition message and a Warning Event) must never contain the password in any form.
 *
 * <p>{@code java -cp ... dev.schemagate.testenv.chaos.PasswordLeaksRun}; prints {@code
 * password_leaks} and one line per case.
 */
public final class PasswordLeaksRun implements Part {
  /** The canary; its '@' is percent-encoded in URLs, so both forms must stay hidden. */
  static final String PASSWORD = "Canary%40leak-7f3e9b";

  PasswordLeaksRun() {}

  @Override
  public String name() {
    return "passwords";
  }

  @Override
  public void run(ChaosContext context) throws Exception {
    report(run(Files.createDirectories(context.options.work().resolve("password-leaks"))));
  }

  /** Prints the figures of these outcomes. */
  static void report(List<Outcome> outcomes) {
    int leaks = 0;
    for (var o : outcomes) {
      put("password_leaks_" + o.name(), "" + o.hits());
      leaks += o.hits();
    }
    put("password_cases", "" + outcomes.size());
    put("password_leaks", "" + leaks);
  }

  /** What one run left behind: the three places the runner writes. */
  public record Outcome(String name, int exitCode, String output, int hits) {}

  public static void main(String[] args) {
    int exit = 0;
    try {
      var work = Files.createTempDirectory("password-leaks");
      report(run(work));
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }

  /** Every case, one runner process each. */
  public static List<Outcome> run(Path work) throws IOException, InterruptedException {
    var server = LocalPostgres.shared().createDatabase("leaks");
    // postgresql://postgres@127.0.0.1:PORT/leaks_x: the server trusts any password.
    var hostPort = server.replaceFirst("^postgresql://[^@]*@([^/]+)/.*$", "$1");
    var database = server.replaceFirst("^.*/([^/?]+)$", "$1");
    // The failing script in a database of its own: the valid case applies V1 in this one.
    var failing = LocalPostgres.shared().createDatabase("leaks");
    var failingDatabase = failing.replaceFirst("^.*/([^/?]+)$", "$1");
    var good = Files.createDirectories(work.resolve("good"));
    Files.writeString(good.resolve("V1__init.sql"), "create table t (id int);");
    var bad = Files.createDirectories(work.resolve("bad"));
    Files.writeString(bad.resolve("V1__broken.sql"), "creat table t (id int);");

    var p = PASSWORD;
    var cases = new LinkedHashMap<String, String[]>();
    cases.put(
        "valid",
        new String[] {"postgresql://postgres:" + p + "@" + hostPort + "/" + database, "good"});
    cases.put(
        "failing_sql",
        new String[] {
          "postgresql://postgres:" + p + "@" + hostPort + "/" + failingDatabase, "bad"
        });
    cases.put(
        "refused_port",
        new String[] {"postgresql://postgres:" + p + "@127.0.0.1:1/" + database, "good"});
    cases.put(
        "unknown_host",
        new String[] {"postgresql://postgres:" + p + "@no-such-host.invalid/db", "good"});
    cases.put(
        "unknown_database",
        new String[] {"postgresql://postgres:" + p + "@" + hostPort + "/nope_" + database, "good"});
    cases.put(
        "bad_percent",
        new String[] {"postgresql://postgres:" + p + "%zz@" + hostPort + "/db", "good"});
    cases.put(
        "port_out_of_range",
        new String[] {"postgresql://postgres:" + p + "@127.0.0.1:99999/db", "good"});
    cases.put(
        "slash_in_password",
        new String[] {"postgresql://postgres:" + p + "/x@" + hostPort + "/db", "good"});
    cases.put("no_scheme", new String[] {"postgres:" + p + "@" + hostPort + "/db", "good"});
    cases.put("other_scheme", new String[] {"mysql://root:" + p + "@" + hostPort + "/db", "good"});
    cases.put(
        "query_password",
        new String[] {
          "postgresql://"
              + hostPort
              + "/"
              + database
              + "?user=postgres&password="
              + p
              + "&sslmode=bogus",
          "good"
        });
    cases.put(
        "jdbc_password",
        new String[] {
          "jdbc:postgresql://" + hostPort + "/" + database + "?password=" + p + "&ssl=maybe", "good"
        });
    cases.put(
        "trailing_newline",
        new String[] {
          "postgresql://postgres:" + p + "@" + hostPort + "/" + database + "\n", "good"
        });
    cases.put(
        "unicode_host",
        new String[] {"postgresql://postgres:" + p + "@h\u00f3st\u202e/db", "good"});
    cases.put(
        "control_characters",
        new String[] {"postgresql://postgres:" + p + "\u001b\u0007@" + hostPort + "/db", "good"});
    cases.put(
        "at_in_password_unencoded",
        new String[] {
          "postgresql://postgres:Canary@leak-7f3e9b@" + hostPort + "/" + database, "good"
        });

    var outcomes = new ArrayList<Outcome>();
    for (var c : cases.entrySet()) {
      var url = c.getValue()[0];
      var dir = work.resolve(c.getValue()[1]);
      outcomes.add(runOnce(work, c.getKey(), url, dir));
    }
    return outcomes;
  }

  private static Outcome runOnce(Path work, String name, String url, Path dir)
      throws IOException, InterruptedException {
    var terminationLog = work.resolve(name + ".termination-log");
    var output = work.resolve(name + ".out");
    var builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                OperatorProcess.jar().toString(),
                "migrate",
                "--dir",
                dir.toString(),
                "--termination-log",
                terminationLog.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    // As the Job's pod gets it: from the Secret, through the environment.
    builder.environment().put("DATABASE_URL", url);
    var process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("schemagate migrate did not end in 2 minutes: " + name);
    }
    var text =
        Files.readString(output, StandardCharsets.UTF_8)
            + (Files.exists(terminationLog) ? Files.readString(terminationLog) : "");
    // Its forms include the decoded one, the password of the unencoded '@' case.
    var hits = PasswordLeaks.hits(text, PASSWORD);
    progress(
        "password "
            + name
            + ": exit "
            + process.exitValue()
            + ", "
            + hits
            + " hit(s): "
            + oneLine(text));
    return new Outcome(name, process.exitValue(), text, hits);
  }

  private static String oneLine(String s) {
    var line = s.replaceAll("\\s+", " ").strip();
    return line.length() > 240 ? line.substring(0, 240) + "..." : line;
  }
}
