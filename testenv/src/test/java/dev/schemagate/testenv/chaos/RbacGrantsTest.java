package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testenv.bench.RequestLog;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RbacGrantsTest {
  /** kubectl 1.37's output, tabs expanded as its tabwriter does. */
  static final String CAN_I_LIST =
      """
      Resources                                       Non-Resource URLs   Resource Names        Verbs
      selfsubjectreviews.authentication.k8s.io        []                  []                    [create]
      jobs.batch                                      []                  []                    [get list watch create]
      schemamigrations.schemagate.dev/status          []                  []                    [patch]
      leases.coordination.k8s.io                      []                  [schemagate-leader]   [get patch]
      pods                                            []                  []                    [*]
                                                      [/api/*]            []                    [get]
      """;

  @Test
  void readsResourceRowsOneVerbEach() {
    assertThat(RbacGrants.granted(CAN_I_LIST))
        .containsExactlyInAnyOrder(
            "create selfsubjectreviews.authentication.k8s.io",
            "get jobs.batch",
            "list jobs.batch",
            "watch jobs.batch",
            "create jobs.batch",
            "patch schemamigrations.schemagate.dev/status",
            "get leases.coordination.k8s.io",
            "patch leases.coordination.k8s.io",
            "* pods");
  }

  @Test
  void readsTheVerbOfEachRequest() {
    var api = "https://127.0.0.1:6443";
    var lines =
        List.of(
            "REQUEST: " + api + "/api/v1/namespaces/a/pods?labelSelector=x GET",
            "REQUEST: " + api + "/api/v1/namespaces/a/pods?watch=true&resourceVersion=1 GET",
            "REQUEST: " + api + "/api/v1/pods?watch=true GET",
            "REQUEST: " + api + "/api/v1/namespaces/a/pods/p PATCH",
            "REQUEST: " + api + "/api/v1/namespaces/a/pods/p DELETE",
            "REQUEST: " + api + "/api/v1/namespaces/a/events POST",
            "REQUEST: " + api + "/apis/batch/v1/namespaces/a/jobs/j GET",
            "REQUEST: "
                + api
                + "/apis/schemagate.dev/v1alpha1/namespaces/a/schemamigrations/m/status PATCH",
            "REQUEST: " + api + "/apis/schemagate.dev/v1alpha1/namespaces/a/schemamigrations/m PUT",
            "REQUEST: " + api + "/apis/coordination.k8s.io/v1/namespaces/s/leases POST",
            "REQUEST: " + api + "/apis/batch/v1 GET",
            "REQUEST: " + api + "/version GET");
    assertThat(RbacGrants.used(RequestLog.requests(lines)))
        .containsExactlyInAnyOrder(
            "list pods",
            "watch pods",
            "patch pods",
            "delete pods",
            "create events",
            "get jobs.batch",
            "patch schemamigrations.schemagate.dev/status",
            "update schemamigrations.schemagate.dev",
            "create leases.coordination.k8s.io");
  }

  @Test
  void comparesBothWaysCountingTheFinalizerCheckAndThePathsNotRunAsUsed() {
    var comparison =
        RbacGrants.compare(
            Set.of(
                "list pods",
                "delete jobs.batch",
                "update schemamigrations.schemagate.dev/finalizers",
                "get pods/log",
                "get jobs.batch"),
            Set.of("list pods", "patch pods"));
    assertThat(comparison.unused()).containsExactly("delete jobs.batch");
    assertThat(comparison.missing()).containsExactly("patch pods");

    // Used though no run here reaches it: a chart without it lacks it.
    assertThat(RbacGrants.compare(Set.of("list pods"), Set.of("list pods")).missing())
        .contains(
            "get pods/log", "get jobs.batch", "update schemamigrations.schemagate.dev/finalizers");
  }

  @Test
  void readsTheRefusedRightOfAForbiddenLine() {
    var prefix =
        "Failure executing: POST at: https://127.0.0.1:6443/apis/apps/v1/namespaces/a/deployments"
            + "/d/scale. Message: Forbidden: User \"system:serviceaccount:s:sg\" cannot ";
    assertThat(
            RbacGrants.forbidden(
                prefix
                    + "update resource \"deployments/scale\" in API group \"apps\" in the"
                    + " namespace \"a\"."))
        .contains("update deployments.apps/scale");
    assertThat(
            RbacGrants.forbidden(
                prefix + "create resource \"pods/eviction\" in API group \"\" in the namespace"))
        .contains("create pods/eviction");
    assertThat(
            RbacGrants.forbidden(
                prefix + "watch resource \"leases\" in API group \"coordination.k8s.io\""))
        .contains("watch leases.coordination.k8s.io");
    assertThat(RbacGrants.forbidden("INFO reconciled a/m")).isEmpty();
  }
}
