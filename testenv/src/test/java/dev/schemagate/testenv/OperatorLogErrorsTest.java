package dev.schemagate.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorLogErrorsTest {
  private static final String T = "2026-12-07T18:01:02.345Z ";

  @Test
  void aQuietLogHasNone() {
    assertThat(
            OperatorLogErrors.in(
                List.of(
                    T + "INFO  [main] d.s.SchemaGateOperator - holding pods by scheduling gates",
                    T + "WARN  [pool-1] i.f.k.c.d.i.VersionUsageUtils - deprecated API")))
        .isEmpty();
  }

  @Test
  void anErrorLineIsOneWithItsStackTrace() {
    var entries =
        OperatorLogErrors.in(
            List.of(
                T + "INFO  [main] d.s.SchemaGateOperator - started",
                T + "ERROR [informer] i.f.k.c.i.i.c.SharedProcessor - failed invoking handler",
                "java.lang.NullPointerException: Cannot invoke \"java.util.Map.get(Object)\"",
                "\tat io.javaoperatorsdk.operator.processing.event.source.informer"
                    + ".InformerEventSource.isEventKnownFromAnnotation(InformerEventSource.java:228)",
                T + "INFO  [main] d.s.SchemaGateOperator - reconciled"));

    assertThat(entries)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .contains("SharedProcessor", "NullPointerException", "InformerEventSource")
                    .doesNotContain("reconciled"));
  }

  @Test
  void aWarningWithAStackTraceCountsAsTheJvmsOwnTraceDoes() {
    var entries =
        OperatorLogErrors.in(
            List.of(
                T + "WARN  [pool-2] i.j.o.p.e.ReconciliationDispatcher - retrying",
                "io.fabric8.kubernetes.client.KubernetesClientException: connection refused",
                "\tat io.fabric8.kubernetes.client.dsl.internal.OperationSupport.waitForResult",
                "Exception in thread \"main\" java.lang.IllegalStateException: no leader",
                "\tat dev.schemagate.Main.main(Main.java:20)"));

    assertThat(entries).singleElement().satisfies(e -> assertThat(e).contains("retrying", "main"));
  }
}
