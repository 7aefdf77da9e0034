package dev.schemagate.testenv.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The bench's command line: {@code --name=value} options, every one with a default. */
record Options(
    int migrations,
    int namespaces,
    int latencySamples,
    List<String> jvm,
    List<String> operatorArgs,
    Path work,
    boolean logRequests,
    List<String> variants,
    int runnerRounds,
    boolean runnerOnly,
    int rehearsalRounds,
    boolean rehearsalOnly,
    int slopeNamespaces,
    List<Integer> curve,
    int admissionRounds,
    boolean admissionOnly,
    Path admissionBaseline) {
  static final String USAGE =
      """
      usage: testenv/bench [--quick] [--migrations=1000] [--namespaces=10] [--latency-samples=100]
                           [--jvm='-XX:...'] [--operator-args='...'] [--work=testenv/target/bench]
                           [--log-requests=true] [--variants='JVM options;ENV=x JVM options;...']
                           [--runner-rounds=5] [--runner-only] [--rehearsal-rounds=3]
                           [--rehearsal-only] [--slope-namespaces=3] [--curve=100,1000]
                           [--admission-rounds=1] [--admission-only] [--admission-baseline=DIR]
      --quick is a short run for CI: --migrations=%d --latency-samples=%d --runner-rounds=%d
      --rehearsal-rounds=%d --curve=%s unless given;
      --jvm adds operator JVM options after the chart's; --log-requests=false leaves out the
      request log (and the figures counted from it); --latency-samples=0 skips that phase (the
      upgrades whose release it times); --variants measures the operator's memory over the N
      Ready with each set of options (java=PATH and jar=PATH run another JDK or build);
      --runner-rounds=0 skips the runner's interleaved start-up against psql, --runner-only runs
      only that; --rehearsal-rounds=N times `schemagate rehearse` N times for the basketball-api
      (008 on 007) and for a generated schema of 200 tables (0 skips), --rehearsal-only runs only
      that; --slope-namespaces=K restarts the operator on the first K namespaces only, for
      the settled RSS per SchemaMigration (0 skips); --curve=SIZES grows a population of its own,
      on a control plane of its own, from none through these sizes, and measures the operator
      at each (curve_<size>_*, then curve_marginal_* and curve_bend): by default a tenth of
      --migrations and --migrations, so 100,1000; --curve=100,1000,5000 adds 5,000 (creating
      5,000 apps: the longest phase by far), --curve=0 skips; --admission-rounds=R measures the
      API server's cost per pod create R times, --admission-only runs only that (the N
      SchemaMigrations created, no operator started); --admission-baseline=DIR alternates its
      rounds between the pod policies of the chart in DIR (e.g. another branch's, from
      `git archive main charts/schemagate | tar -x -C /tmp/main`) and this checkout's.
      Prints name=value lines on stdout; progress on stderr.\
      """
          .formatted(
              Quick.MIGRATIONS,
              Quick.LATENCY_SAMPLES,
              Quick.RUNNER_ROUNDS,
              Quick.REHEARSAL_ROUNDS,
              Quick.CURVE);

  /**
   * --quick: a run of under two minutes on 2 cores, every phase but the curve measured (its control
   * plane, operator and apps of its own would take the run to two minutes or past).
   */
  static final class Quick {
    static final int MIGRATIONS = 100;
    static final int LATENCY_SAMPLES = 5;
    static final int RUNNER_ROUNDS = 3;
    static final int REHEARSAL_ROUNDS = 1;
    static final String CURVE = "0";

    private Quick() {}
  }

  static boolean wantsHelp(String[] args) {
    return List.of(args).contains("-h") || List.of(args).contains("--help");
  }

  static Options parse(String[] args) {
    var options = new LinkedHashMap<String, String>();
    for (var a : args) {
      var kv = a.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    var quick = Boolean.parseBoolean(options.getOrDefault("quick", "false"));
    var migrations =
        Integer.parseInt(
            options.getOrDefault("migrations", quick ? "" + Quick.MIGRATIONS : "1000"));
    return new Options(
        migrations,
        Integer.parseInt(options.getOrDefault("namespaces", "10")),
        Integer.parseInt(
            options.getOrDefault("latency-samples", quick ? "" + Quick.LATENCY_SAMPLES : "100")),
        list(options, "jvm", " "),
        list(options, "operator-args", " "),
        Path.of(options.getOrDefault("work", "testenv/target/bench")).toAbsolutePath(),
        Boolean.parseBoolean(options.getOrDefault("log-requests", "true")),
        list(options, "variants", ";"),
        Integer.parseInt(
            options.getOrDefault("runner-rounds", quick ? "" + Quick.RUNNER_ROUNDS : "5")),
        Boolean.parseBoolean(options.getOrDefault("runner-only", "false")),
        Integer.parseInt(
            options.getOrDefault("rehearsal-rounds", quick ? "" + Quick.REHEARSAL_ROUNDS : "3")),
        Boolean.parseBoolean(options.getOrDefault("rehearsal-only", "false")),
        Integer.parseInt(options.getOrDefault("slope-namespaces", "3")),
        curve(
            options.getOrDefault(
                "curve", quick ? Quick.CURVE : migrations / 10 + "," + migrations)),
        Integer.parseInt(options.getOrDefault("admission-rounds", "1")),
        Boolean.parseBoolean(options.getOrDefault("admission-only", "false")),
        options.containsKey("admission-baseline")
            ? Path.of(options.get("admission-baseline")).toAbsolutePath()
            : null);
  }

  /**
   * --curve's sizes, smallest first; 0 alone is none, and so is a tenth of a --migrations below 10.
   */
  static List<Integer> curve(String value) {
    var sizes =
        Stream.of(value.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(Integer::parseInt)
            .filter(n -> n != 0)
            .sorted()
            .distinct()
            .toList();
    if (!sizes.isEmpty() && sizes.get(0) < 0) {
      throw new IllegalArgumentException("--curve: counts of SchemaMigrations, not " + value);
    }
    return sizes;
  }

  private static List<String> list(Map<String, String> options, String name, String separator) {
    var value = options.getOrDefault(name, "");
    return value.isBlank() ? List.of() : List.of(value.split(separator));
  }
}
