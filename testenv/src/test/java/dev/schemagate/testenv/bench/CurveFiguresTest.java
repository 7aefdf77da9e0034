package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.schemagate.testenv.bench.CurveFigures.Point;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CurveFiguresTest {
  private static final long MIB = 1024;

  // The empty operator, then 100 and 1,000: 30 MiB for the first 100 (first runs of every code
  // path included), 36 MiB for the next 900; 8 s, then 45 s of CPU. The API server: 200 ms of CPU
  // and 10 ms in the admission policies per SchemaMigration, in both steps.
  private static final Point EMPTY = new Point(0, 120 * MIB, 4.0, plane(5, 0.1), requests(20, 5));
  private static final Point AT_100 =
      new Point(100, 150 * MIB, 12.0, plane(25, 1.1), requests(720, 45));
  private static final Point AT_1000 =
      new Point(1000, 186 * MIB, 57.0, plane(205, 10.1), requests(7120, 345));

  @Test
  void aPointIsTheOperatorsSettledRss() {
    assertThat(CurveFigures.point(AT_100))
        .containsExactly(entry("curve_100_operator_rss_mib", "150.0"));
    assertThat(CurveFigures.point(new Point(100, 0, 12.0, plane(25, 1.1), Map.of())))
        .containsExactly(entry("curve_100_operator_rss_mib", "?"));
  }

  @Test
  void aStepCostsWhatItsAddedSchemaMigrationsCostEach() {
    assertThat(CurveFigures.step(AT_100, AT_1000))
        .containsExactly(
            entry("curve_1000_reconcile_cpu_s", "45.0"),
            entry("curve_1000_reconcile_cpu_ms_per_migration", "50.0"),
            entry("curve_1000_apiserver_cpu_s", "180.0"),
            entry("curve_1000_apiserver_cpu_ms_per_migration", "200.0"),
            entry("curve_1000_admission_policy_s", "9.0"),
            entry("curve_1000_admission_policy_ms_per_migration", "10.0"),
            entry("curve_1000_api_requests", "6700"),
            // 6,700 requests for 900 added; 6,400 of them not the Lease's.
            entry("curve_1000_api_requests_per_migration", "7.44 (7.11 without Lease renewals)"),
            entry("curve_1000_api_requests_by_kind", "{GET leases=300, POST jobs=6400}"));
  }

  @Test
  void withoutTheRequestLogAStepHasNoRequestFigures() {
    var from = new Point(0, 120 * MIB, 4.0, plane(5, 0.1), Map.of());
    var to = new Point(100, 150 * MIB, 12.0, plane(25, 1.1), Map.of());

    assertThat(CurveFigures.step(from, to))
        .containsOnlyKeys(
            "curve_100_reconcile_cpu_s",
            "curve_100_reconcile_cpu_ms_per_migration",
            "curve_100_apiserver_cpu_s",
            "curve_100_apiserver_cpu_ms_per_migration",
            "curve_100_admission_policy_s",
            "curve_100_admission_policy_ms_per_migration");
    assertThat(CurveFigures.bend(List.of(from, to), false))
        .doesNotContainKey("curve_marginal_api_requests_per_migration");
  }

  @Test
  void theMarginalCostsAreStepByStep() {
    assertThat(CurveFigures.bend(List.of(EMPTY, AT_100, AT_1000), true))
        .containsEntry("curve_marginal_rss_kib_per_migration", "0->100 307.2, 100->1000 41.0")
        .containsEntry(
            "curve_marginal_reconcile_cpu_ms_per_migration", "0->100 80.0, 100->1000 50.0")
        .containsEntry(
            "curve_marginal_apiserver_cpu_ms_per_migration", "0->100 200.0, 100->1000 200.0")
        .containsEntry(
            "curve_marginal_admission_policy_ms_per_migration",
            "0->100 10.0, 100->1000 10.0 (the API server's time in the admission policies)")
        .containsEntry(
            "curve_marginal_api_requests_per_migration",
            "0->100 7.00, 100->1000 7.11 (Lease renewals left out)");
  }

  @Test
  void theAdmissionPoliciesBendWhereEachPodMeetsMoreSchemaMigrations() {
    // 1,000 -> 5,000: 50 ms in the policies each where the step before cost 10 (x5), the API
    // server's CPU x1.5; the operator's costs linear.
    var at5000 = new Point(5000, 186 * MIB + 144 * MIB, 257.0, plane(1405, 210.1), Map.of());

    assertThat(CurveFigures.bend(List.of(EMPTY, AT_100, AT_1000, at5000), false))
        .containsEntry(
            "curve_bend",
            "at 1000: admission_policy_ms_per_migration x5.00 from 100->1000 to 1000->5000"
                + " (10.0 -> 50.0)");
  }

  @Test
  void aLinearCurveHasNoBendAndSaysItsSteepestRise() {
    assertThat(CurveFigures.bend(List.of(EMPTY, AT_100, AT_1000), true))
        .containsEntry(
            "curve_bend",
            "none (no cost per SchemaMigration rose x1.25 or more from a step to the next;"
                + " steepest: api_requests_per_migration x1.02 from 0->100 to 100->1000 (7.00 ->"
                + " 7.11))");
  }

  @Test
  void theBendIsWhereACostPerSchemaMigrationRisesMost() {
    // 1,000 -> 5,000: 80 ms each where the step before cost 50 (x1.6); RSS 51.2 KiB each (x1.25).
    var at5000 =
        new Point(5000, 186 * MIB + 200 * MIB, 377.0, plane(1005, 50.1), requests(33020, 1345));

    assertThat(CurveFigures.bend(List.of(EMPTY, AT_100, AT_1000, at5000), true))
        .containsEntry(
            "curve_marginal_reconcile_cpu_ms_per_migration",
            "0->100 80.0, 100->1000 50.0, 1000->5000 80.0")
        .containsEntry(
            "curve_bend",
            "at 1000: reconcile_cpu_ms_per_migration x1.60 from 100->1000 to 1000->5000"
                + " (50.0 -> 80.0)");
  }

  @Test
  void aShrunkRssIsNoBaseForARise() {
    var shrunk = new Point(1000, 140 * MIB, 57.0, plane(205, 10.1), Map.of());
    var grown = new Point(5000, 340 * MIB, 377.0, plane(1005, 50.1), Map.of());

    assertThat(CurveFigures.bend(List.of(EMPTY, AT_100, shrunk, grown), false))
        .containsEntry(
            "curve_marginal_rss_kib_per_migration",
            "0->100 307.2, 100->1000 -11.4, 1000->5000 51.2")
        .containsEntry(
            "curve_bend",
            "at 1000: reconcile_cpu_ms_per_migration x1.60 from 100->1000 to 1000->5000"
                + " (50.0 -> 80.0)");
  }

  @Test
  void oneStepHasNothingToCompare() {
    assertThat(CurveFigures.bend(List.of(EMPTY, AT_100), true))
        .containsEntry("curve_marginal_rss_kib_per_migration", "0->100 307.2")
        .containsEntry("curve_bend", "? (fewer than two steps to compare)");
  }

  private static CurveFigures.ControlPlaneCost plane(double apiserverCpu, double admission) {
    return new CurveFigures.ControlPlaneCost(apiserverCpu, admission);
  }

  private static Map<String, Integer> requests(int jobs, int leases) {
    return Map.of("POST jobs", jobs, "GET leases", leases);
  }
}
