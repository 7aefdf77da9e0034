package dev.schemagate.testenv.chaos;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chaos command line: {@code --name=value} options, every one with a default. */
record ChaosOptions(
    int apps,
    int kills,
    int failovers,
    int handovers,
    int documents,
    List<String> parts,
    Path work,
    long seed) {
  static final String USAGE =
      """
      usage: testenv/chaos [--quick] [--apps=20] [--kills=100] [--failovers=20] [--handovers=5]
                           [--documents=1000]
                           [--parts=kills,failover,restarts,db,fuzz,passwords,rbac]
                           [--work=testenv/target/chaos] [--seed=N]
      --quick is the short run for CI: --apps=%d --kills=%d --failovers=%d --handovers=%d
      --documents=%d unless given. Prints name=value lines on stdout; progress and findings on stderr.\
      """
          .formatted(Quick.APPS, Quick.KILLS, Quick.FAILOVERS, Quick.HANDOVERS, Quick.DOCUMENTS);

  static final class Quick {
    static final int APPS = 4;
    static final int KILLS = 10;
    static final int FAILOVERS = 2;
    static final int HANDOVERS = 2;
    static final int DOCUMENTS = 100;

    private Quick() {}
  }

  static boolean wantsHelp(String[] args) {
    return List.of(args).contains("-h") || List.of(args).contains("--help");
  }

  private static String take(Map<String, String> options, String name, Object otherwise) {
    var value = options.remove(name);
    return value != null ? value : String.valueOf(otherwise);
  }

  static ChaosOptions parse(String[] args) {
    var options = new LinkedHashMap<String, String>();
    for (var a : args) {
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("not an option: " + a + "\n" + USAGE);
      }
      var kv = a.substring(2).split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    var quick = Boolean.parseBoolean(take(options, "quick", false));
    var parsed =
        new ChaosOptions(
            Integer.parseInt(take(options, "apps", quick ? Quick.APPS : 20)),
            Integer.parseInt(take(options, "kills", quick ? Quick.KILLS : 100)),
            Integer.parseInt(take(options, "failovers", quick ? Quick.FAILOVERS : 20)),
            Integer.parseInt(take(options, "handovers", quick ? Quick.HANDOVERS : 5)),
            Integer.parseInt(take(options, "documents", quick ? Quick.DOCUMENTS : 1000)),
            List.of(
                take(options, "parts", "kills,failover,restarts,db,fuzz,passwords,rbac")
                    .split(",")),
            Path.of(take(options, "work", "testenv/target/chaos")).toAbsolutePath(),
            Long.parseLong(take(options, "seed", "" + System.nanoTime())));
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + options.keySet() + "\n" + USAGE);
    }
    return parsed;
  }
}
