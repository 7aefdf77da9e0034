package dev.schemagate.testenv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestLogTest {
  /** As the JDK HttpClient writes them with -Djdk.httpclient.HttpClient.log=requests. */
  private static final List<String> LOG =
      List.of(
          "Dec 01, 2026 8:14:24 PM jdk.internal.net.http.Http1Request headers",
          "INFO: REQUEST: https://127.0.0.1:6443/api/v1/namespaces/bench-0/pods?labelSelector=a%3Db"
              + "&watch=true GET",
          "INFO: REQUEST: https://127.0.0.1:6443/apis/batch/v1/namespaces/bench-0/jobs POST",
          "INFO: REQUEST: https://127.0.0.1:6443/apis/batch/v1/namespaces/bench-1/jobs POST",
          "INFO: REQUEST:"
              + " https://127.0.0.1:6443/apis/apps/v1/namespaces/bench-0/deployments/app-0001?fieldManager=schemagate&force=true"
              + " PATCH",
          "INFO: REQUEST: https://127.0.0.1:6443/apis/schemagate.dev/v1alpha1/namespaces/bench-0"
              + "/schemamigrations/app-0001/status PATCH",
          "Dec 01, 2026 8:14:25 PM jdk.internal.net.http.Exchange lambda$wrapForLog$13",
          "INFO: RESPONSE: (POST https://127.0.0.1:6443/apis/batch/v1/namespaces/bench-0/jobs) 201"
              + " HTTP_1_1 Local port:  53730");

  @Test
  void countsEachRequestOnceByMethodAndResource() {
    assertThat(RequestLog.count(LOG))
        .containsExactly(
            Map.entry("GET pods (watch)", 1),
            Map.entry("PATCH deployments", 1),
            Map.entry("PATCH schemamigrations/status", 1),
            Map.entry("POST jobs", 2));
  }

  @Test
  void anEmptyLogCountsNothing() {
    assertThat(RequestLog.count(List.of())).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "/api/v1/namespaces/ns/pods/name/status, pods/status",
    "/api/v1/namespaces/ns/pods, pods",
    "/api/v1/pods, pods",
    "/api/v1/namespaces, namespaces",
    "/api/v1/namespaces/ns, namespaces",
    "/api/v1/namespaces/ns/events, events",
    "/apis/batch/v1/namespaces/ns/jobs, jobs",
    "/apis/apps/v1/namespaces/ns/deployments/app/scale, deployments/scale",
    "/apis/coordination.k8s.io/v1/namespaces/ns/leases/schemagate-leader, leases",
    "/apis/schemagate.dev/v1alpha1/schemamigrations, schemamigrations",
    "/apis, /apis",
    "/version, /version",
    "/, /",
  })
  void resourceOfAPath(String path, String resource) {
    assertThat(RequestLog.resourceOf(path)).isEqualTo(resource);
  }

  @Test
  void writesAreAllButGetsAndLeaseRenewals() {
    var counts =
        Map.of(
            "GET pods", 5,
            "GET jobs (watch)", 1,
            "PATCH leases", 10,
            "POST leases", 1,
            "POST jobs", 2,
            "PATCH schemamigrations/status", 3,
            "DELETE pods", 1);

    assertThat(RequestLog.writes(counts)).isEqualTo(6);
  }

  @Test
  void leaseRequestsAreCountedApartAndStepsAreDifferences() {
    var before = Map.of("GET leases", 4, "PATCH leases", 4, "POST jobs", 2, "GET pods", 1);
    var after = Map.of("GET leases", 10, "PATCH leases", 10, "POST jobs", 7, "GET pods", 1);

    var added = RequestLog.since(before, after);

    assertThat(added)
        .containsExactly(
            Map.entry("GET leases", 6), Map.entry("PATCH leases", 6), Map.entry("POST jobs", 5));
    assertThat(RequestLog.total(added)).isEqualTo(17);
    assertThat(RequestLog.leases(added)).isEqualTo(12);
  }
}
