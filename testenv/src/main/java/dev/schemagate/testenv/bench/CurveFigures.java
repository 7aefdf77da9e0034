package dev.schemagate.testenv.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;

/**
 * The scaling curve's figures from its points, as name=value pairs in the order printed: what each
 * step's added SchemaMigrations cost the operator, and how that cost per added SchemaMigration
 * moves from one step to the next, which is where the curve bends. A cost that grows linearly costs
 * the same per added SchemaMigration at every step; one that grows faster costs more at each.
 */
final class CurveFigures {
  /**
   * How much a cost per added SchemaMigration has to rise from one step to the next to count as a
   * bend: less is within what two shared cores and the garbage collector vary by.
   */
  static final double BEND = 1.25;

  private CurveFigures() {}

  /**
   * The operator once the population had grown to {@code size} and settled.
   *
   * @param rssKib its settled resident set; 0 when unread
   * @param cpuSeconds its process's CPU seconds since it started
   * @param plane what the API server had spent by then
   * @param requests its requests since it started, by kind; empty without the request log
   */
  record Point(
      int size,
      long rssKib,
      double cpuSeconds,
      ControlPlaneCost plane,
      Map<String, Integer> requests) {}

  /**
   * The API server's CPU seconds, and the seconds its admission policies took (SchemaGate's, the
   * only ones on the bench's plane), since it started. Each policy is evaluated once per
   * SchemaMigration of the namespace (its params), so this is the cost that grows with them.
   */
  record ControlPlaneCost(double apiserverCpuSeconds, double admissionPolicySeconds) {}

  /** The operator's settled RSS at a point. */
  static Map<String, String> point(Point p) {
    return Map.of(
        "curve_" + p.size() + "_operator_rss_mib",
        p.rssKib() > 0 ? format("%.1f", p.rssKib() / 1024.0) : "?");
  }

  /**
   * What the step from one point to the next cost the operator: CPU seconds and requests, in all
   * and per SchemaMigration the step added.
   */
  static Map<String, String> step(Point from, Point to) {
    var name = "curve_" + to.size() + "_";
    var added = to.size() - from.size();
    var figures = new LinkedHashMap<String, String>();
    figures.put(name + "reconcile_cpu_s", format("%.1f", cpuSeconds(from, to)));
    figures.put(
        name + "reconcile_cpu_ms_per_migration", format("%.1f", cpuMsPerMigration(from, to)));
    figures.put(
        name + "apiserver_cpu_s",
        format("%.1f", to.plane().apiserverCpuSeconds() - from.plane().apiserverCpuSeconds()));
    figures.put(
        name + "apiserver_cpu_ms_per_migration",
        format("%.1f", apiserverCpuMsPerMigration(from, to)));
    figures.put(
        name + "admission_policy_s",
        format(
            "%.1f", to.plane().admissionPolicySeconds() - from.plane().admissionPolicySeconds()));
    figures.put(
        name + "admission_policy_ms_per_migration",
        format("%.1f", admissionMsPerMigration(from, to)));
    if (!to.requests().isEmpty()) {
      var requests = RequestLog.since(from.requests(), to.requests());
      var total = RequestLog.total(requests);
      figures.put(name + "api_requests", Integer.toString(total));
      figures.put(
          name + "api_requests_per_migration",
          format(
              "%.2f (%.2f without Lease renewals)",
              total / (double) added, requestsPerMigration(from, to)));
      figures.put(name + "api_requests_by_kind", requests.toString());
    }
    return figures;
  }

  static double cpuSeconds(Point from, Point to) {
    return to.cpuSeconds() - from.cpuSeconds();
  }

  static double cpuMsPerMigration(Point from, Point to) {
    return cpuSeconds(from, to) * 1000 / (to.size() - from.size());
  }

  static double apiserverCpuMsPerMigration(Point from, Point to) {
    return (to.plane().apiserverCpuSeconds() - from.plane().apiserverCpuSeconds())
        * 1000
        / (to.size() - from.size());
  }

  static double admissionMsPerMigration(Point from, Point to) {
    return (to.plane().admissionPolicySeconds() - from.plane().admissionPolicySeconds())
        * 1000
        / (to.size() - from.size());
  }

  /** Requests per added SchemaMigration, Lease renewals left out: they come with time, not load. */
  static double requestsPerMigration(Point from, Point to) {
    var requests = RequestLog.since(from.requests(), to.requests());
    return (RequestLog.total(requests) - RequestLog.leases(requests))
        / (double) (to.size() - from.size());
  }

  /** How much the settled RSS grew per added SchemaMigration; NaN when either RSS is unread. */
  static double rssKibPerMigration(Point from, Point to) {
    return from.rssKib() > 0 && to.rssKib() > 0
        ? (to.rssKib() - from.rssKib()) / (double) (to.size() - from.size())
        : Double.NaN;
  }

  /** One cost per added SchemaMigration, as printed. */
  private record Cost(
      String name, String format, ToDoubleBiFunction<Point, Point> perMigration, String note) {
    String of(Point from, Point to) {
      var value = perMigration.applyAsDouble(from, to);
      return Double.isNaN(value) ? "?" : CurveFigures.format(format, value);
    }
  }

  private static final List<Cost> COSTS =
      List.of(
          new Cost("rss_kib_per_migration", "%.1f", CurveFigures::rssKibPerMigration, ""),
          new Cost("reconcile_cpu_ms_per_migration", "%.1f", CurveFigures::cpuMsPerMigration, ""),
          new Cost(
              "apiserver_cpu_ms_per_migration",
              "%.1f",
              CurveFigures::apiserverCpuMsPerMigration,
              ""),
          new Cost(
              "admission_policy_ms_per_migration",
              "%.1f",
              CurveFigures::admissionMsPerMigration,
              " (the API server's time in the admission policies)"),
          new Cost(
              "api_requests_per_migration",
              "%.2f",
              CurveFigures::requestsPerMigration,
              " (Lease renewals left out)"));

  /** A cost per added SchemaMigration from the step before {@code at} to the step after it. */
  private record Rise(Cost cost, Point from, Point at, Point to) {
    double ratio() {
      return cost.perMigration().applyAsDouble(at, to)
          / cost.perMigration().applyAsDouble(from, at);
    }

    @Override
    public String toString() {
      return format(
          "%s x%.2f from %d->%d to %d->%d (%s -> %s)",
          cost.name(),
          ratio(),
          from.size(),
          at.size(),
          at.size(),
          to.size(),
          cost.of(from, at),
          cost.of(at, to));
    }
  }

  /**
   * Each cost per added SchemaMigration, step by step ({@code curve_marginal_*}), and {@code
   * curve_bend}: the steepest rise of one from a step to the next, a bend where it is at least
   * {@link #BEND}. The first step, from the empty operator, also pays for each code path's first
   * run (classes loaded, code compiled, pools filled), so the steps after it cost less each.
   *
   * @param points in size order, the first the operator before any SchemaMigration
   * @param requestsCounted whether the points hold the operator's requests
   */
  static Map<String, String> bend(List<Point> points, boolean requestsCounted) {
    var costs =
        COSTS.stream().filter(c -> requestsCounted || !c.name().startsWith("api_")).toList();
    var figures = new LinkedHashMap<String, String>();
    Rise steepest = null;
    for (var cost : costs) {
      var steps = new ArrayList<String>();
      for (int i = 1; i < points.size(); i++) {
        steps.add(
            points.get(i - 1).size()
                + "->"
                + points.get(i).size()
                + " "
                + cost.of(points.get(i - 1), points.get(i)));
      }
      figures.put("curve_marginal_" + cost.name(), String.join(", ", steps) + cost.note());
      for (int i = 2; i < points.size(); i++) {
        var rise = new Rise(cost, points.get(i - 2), points.get(i - 1), points.get(i));
        // A rise from nothing, or from a shrunk RSS, is no ratio.
        var before = cost.perMigration().applyAsDouble(rise.from(), rise.at());
        var ratio = rise.ratio();
        if (before > 0 && !Double.isNaN(ratio) && (steepest == null || ratio > steepest.ratio())) {
          steepest = rise;
        }
      }
    }
    figures.put(
        "curve_bend",
        steepest == null
            ? "? (fewer than two steps to compare)"
            : steepest.ratio() >= BEND
                ? "at " + steepest.at().size() + ": " + steepest
                : format(
                    "none (no cost per SchemaMigration rose x%.2f or more from a step to the next;"
                        + " steepest: %s)",
                    BEND, steepest));
    return figures;
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
