package dev.schemagate.testenv.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hostile SchemaMigrations: valid documents, each damaged in one field by one {@link FuzzClass}.
 * Pure and seeded: the same seed and count give the same documents, byte for byte.
 */
public final class FuzzDocuments {
  static final String API_VERSION = "schemagate.dev/v1alpha1";

  /** A constrained string field, its limit, and a character that keeps it valid when repeated. */
  private record Limited(String path, int max, char filler) {}

  private static final List<Limited> LIMITED_STRINGS =
      List.of(
          new Limited("spec.target.deployment", 63, 'a'),
          new Limited("spec.target.container", 63, 'a'),
          new Limited("spec.database.urlSecretRef.name", 253, 'a'),
          new Limited("spec.database.urlSecretRef.key", 253, 'a'),
          new Limited("spec.flyway.configMapRef.name", 253, 'a'),
          new Limited("spec.flyway.baselineVersion", 64, '1'),
          new Limited("spec.command.image", 1024, 'a'));

  /** Integer fields: [path, lowest, highest]. */
  private static final List<long[]> LIMITED_INTEGERS =
      List.of(new long[] {0, 0, 20}, new long[] {1, 1, 86400});

  private static final List<String> INTEGER_PATHS =
      List.of("spec.job.backoffLimit", "spec.job.activeDeadlineSeconds");

  /** Strings the schema does not constrain: anything is a valid value. */
  private static final List<String> FREE_STRINGS =
      List.of("spec.command.command[0]", "spec.command.args[0]");

  private static final List<String> OBJECTS =
      List.of(
          "spec",
          "spec.target",
          "spec.database",
          "spec.database.urlSecretRef",
          "spec.flyway",
          "spec.flyway.configMapRef",
          "spec.command",
          "spec.job");

  private static final List<String> LISTS = List.of("spec.command.command", "spec.command.args");

  /** Removing it breaks the document, and the API server says where: the path it names. */
  private static final Map<String, String> REQUIRED =
      Map.ofEntries(
          Map.entry("metadata.name", "metadata.name"),
          Map.entry("spec", "spec"),
          Map.entry("spec.target", "spec.target"),
          Map.entry("spec.target.deployment", "spec.target.deployment"),
          Map.entry("spec.database", "spec.database"),
          Map.entry("spec.database.urlSecretRef", "spec.database.urlSecretRef"),
          Map.entry("spec.database.urlSecretRef.name", "spec.database.urlSecretRef.name"),
          Map.entry("spec.database.urlSecretRef.key", "spec.database.urlSecretRef.key"),
          Map.entry("spec.flyway.configMapRef", "spec.flyway.configMapRef"),
          Map.entry("spec.flyway.configMapRef.name", "spec.flyway.configMapRef.name"),
          // Neither flyway nor command: the rule on spec says so.
          Map.entry("spec.flyway", "spec"),
          Map.entry("spec.command", "spec"));

  private static final List<String> STRANGE =
      List.of(
          "\uD83D\uDE80\uD83D\uDCA5", // emoji, outside the BMP
          "\u05E9\u05DC\u05D5\u05DD", // right-to-left
          "e\u0301\u0301\u0301", // combining marks
          "\u202Eevil\u202C", // bidi override
          "\uFEFFbom",
          "\uD800", // an unpaired surrogate: valid JSON (\ud800), not valid Unicode
          "\u0430pp", // Cyrillic a
          "\uFFFF");

  private static final List<String> CONTROL =
      List.of("\u0000", "\n", "\r\n", "\t", "\u001B[31m", "\u007F", "\u0085", "\u2028", "\b");

  private FuzzDocuments() {}

  public static List<FuzzDocument> generate(long seed, int count) {
    var random = new Random(seed);
    var classes = FuzzClass.values();
    var documents = new ArrayList<FuzzDocument>(count);
    for (int i = 0; i < count; i++) {
      // Every class in turn, then at random: a small run still has each of them.
      var kind = i < classes.length ? classes[i] : classes[random.nextInt(classes.length)];
      documents.add(generate(i, kind, random));
    }
    return documents;
  }

  static FuzzDocument generate(int index, FuzzClass kind, Random random) {
    var name = "fz-%04d".formatted(index);
    var flyway = random.nextBoolean();
    var document = base(name, flyway);
    String field;
    boolean mustBeRejected;
    switch (kind) {
      case VALID -> {
        field = null;
        mustBeRejected = false;
      }
      case WRONG_TYPE -> {
        field =
            pick(random, applicable(flyway, concat(stringPaths(), INTEGER_PATHS, OBJECTS, LISTS)));
        put(document, field, wrongTypeFor(field, random));
        mustBeRejected = true;
      }
      case MISSING_FIELD -> {
        var removed = pick(random, applicable(flyway, List.copyOf(REQUIRED.keySet())));
        remove(document, removed);
        field = REQUIRED.get(removed);
        mustBeRejected = true;
      }
      case UNKNOWN_FIELD -> {
        var parent = pick(random, applicable(flyway, OBJECTS));
        var key = pick(random, List.of("extra", "Target", "namespace", "replicas", "x-y_z"));
        // "Target" beside spec.target, "namespace" for a target in another namespace.
        field = parent + "." + key;
        put(document, field, "unexpected");
        mustBeRejected = true;
      }
      case HUGE_STRING -> {
        field = pick(random, applicable(flyway, stringPaths()));
        var size = pick(random, List.of(64 * 1024, 256 * 1024, 1024 * 1024));
        put(document, field, "a".repeat(size));
        mustBeRejected = !FREE_STRINGS.contains(field);
      }
      case UNICODE -> {
        field = pick(random, applicable(flyway, stringPaths()));
        put(document, field, "a" + pick(random, STRANGE) + "a");
        mustBeRejected = !FREE_STRINGS.contains(field);
      }
      case CONTROL_CHARACTERS -> {
        field = pick(random, applicable(flyway, stringPaths()));
        put(document, field, "a" + pick(random, CONTROL) + "a");
        mustBeRejected = !FREE_STRINGS.contains(field);
      }
      case DEEP_NESTING -> {
        var parent = pick(random, applicable(flyway, OBJECTS));
        field = parent + ".nested";
        int depth = pick(random, List.of(10, 100, 1000, 10_000));
        put(document, field, new Json.Nested(depth, "bottom"));
        mustBeRejected = true;
      }
      case LIMIT -> {
        var past = random.nextBoolean();
        mustBeRejected = past;
        var which = random.nextInt(3);
        if (which == 0) {
          // The name: 52 for the Job's name (<name>-<revision> within 63), 253 for any object.
          field = "metadata.name";
          int max = random.nextBoolean() ? 52 : 253;
          var length = past ? max + 1 : max;
          name = name + "a".repeat(length - name.length());
          put(document, field, name);
          // At 253 the API server takes the name and the 52 rule refuses it.
          mustBeRejected = past || max == 253;
        } else if (which == 1) {
          var limited =
              pick(
                  random, applicable(flyway, LIMITED_STRINGS.stream().map(Limited::path).toList()));
          var max =
              LIMITED_STRINGS.stream()
                  .filter(l -> l.path().equals(limited))
                  .findFirst()
                  .orElseThrow();
          field = limited;
          put(
              document,
              field,
              String.valueOf(max.filler()).repeat(past ? max.max() + 1 : max.max()));
        } else {
          int i = random.nextInt(INTEGER_PATHS.size());
          field = INTEGER_PATHS.get(i);
          var bounds = LIMITED_INTEGERS.get(i);
          var low = random.nextBoolean();
          long value =
              low ? (past ? bounds[1] - 1 : bounds[1]) : (past ? bounds[2] + 1 : bounds[2]);
          put(document, field, value);
        }
      }
      default -> throw new IllegalStateException(kind.name());
    }
    return new FuzzDocument(index, name, kind, field, mustBeRejected, Json.write(document));
  }

  private static Map<String, Object> base(String name, boolean flyway) {
    var spec = new LinkedHashMap<String, Object>();
    // A Deployment nobody creates: accepted documents end Stalled (DeploymentNotFound), and no
    // two of them share a target.
    spec.put("target", map("deployment", name + "-app", "container", "app"));
    spec.put("database", map("urlSecretRef", map("name", "db", "key", "url")));
    if (flyway) {
      spec.put("flyway", map("configMapRef", map("name", "migrations"), "baselineVersion", "1"));
    } else {
      spec.put(
          "command",
          map(
              "image",
              "registry.example.com/team/migrate:1.2",
              "command",
              new ArrayList<>(List.of("alembic")),
              "args",
              new ArrayList<>(List.of("upgrade", "head"))));
    }
    spec.put("job", map("backoffLimit", 2, "activeDeadlineSeconds", 600));
    spec.put("strategy", "HoldNewPods");
    var document = new LinkedHashMap<String, Object>();
    document.put("apiVersion", API_VERSION);
    document.put("kind", "SchemaMigration");
    document.put("metadata", map("name", name));
    document.put("spec", spec);
    return document;
  }

  private static List<String> stringPaths() {
    var paths = new ArrayList<String>();
    paths.add("metadata.name");
    LIMITED_STRINGS.forEach(l -> paths.add(l.path()));
    paths.add("spec.strategy");
    paths.addAll(FREE_STRINGS);
    return paths;
  }

  /** The paths that exist in a flyway (or a command) document. */
  private static List<String> applicable(boolean flyway, List<String> paths) {
    var absent = flyway ? "spec.command" : "spec.flyway";
    return paths.stream().filter(p -> !p.equals(absent) && !p.startsWith(absent + ".")).toList();
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    var all = new ArrayList<String>();
    for (var l : lists) {
      all.addAll(l);
    }
    return all;
  }

  private static Object wrongTypeFor(String path, Random random) {
    if (INTEGER_PATHS.contains(path)) {
      return pick(random, List.<Object>of("2", 2.5, true, Map.of("n", 2), List.of(2), 1e30));
    }
    if (OBJECTS.contains(path)) {
      return pick(random, List.<Object>of("x", 1, List.of("x"), false));
    }
    if (LISTS.contains(path)) {
      return pick(random, List.<Object>of("alembic", 7, Map.of("a", "b")));
    }
    return pick(random, List.<Object>of(42, true, Map.of("a", 1), List.of("x"), -1.5));
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    var map = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Sets a dotted path ({@code spec.command.args[0]}), creating objects on the way. */
  @SuppressWarnings("unchecked")
  static void put(Map<String, Object> document, String path, Object value) {
    var parts = path.split("\\.");
    Map<String, Object> node = document;
    for (int i = 0; i < parts.length - 1; i++) {
      node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
    }
    var last = parts[parts.length - 1];
    var bracket = last.indexOf('[');
    if (bracket < 0) {
      node.put(last, value);
    } else {
      var list = (List<Object>) node.get(last.substring(0, bracket));
      list.set(Integer.parseInt(last.substring(bracket + 1, last.length() - 1)), value);
    }
  }

  @SuppressWarnings("unchecked")
  static void remove(Map<String, Object> document, String path) {
    var parts = path.split("\\.");
    Map<String, Object> node = document;
    for (int i = 0; i < parts.length - 1; i++) {
      node = (Map<String, Object>) node.get(parts[i]);
    }
    node.remove(parts[parts.length - 1]);
  }
}
