package dev.schemagate.testenv.chaos;

import dev.schemagate.SchemaGateOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The operator's leader-election Lease as the API server has it: who holds it, and waiting for a
 * holder. Operators started with HOSTNAME set have identities {@code <HOSTNAME>_<uuid>}, which
 * tells them apart.
 */
public final class LeaderLeases {
  private LeaderLeases() {}

  /** The holder's identity; empty when released, or when there is no Lease yet. */
  public static String holder(KubernetesClient client, String namespace) {
    var lease =
        client.leases().inNamespace(namespace).withName(SchemaGateOperator.LEASE_NAME).get();
    if (lease == null || lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null) {
      return "";
    }
    return lease.getSpec().getHolderIdentity();
  }

  /**
   * Polls the Lease every 20 ms until its holder matches {@code wanted}; returns that holder.
   *
   * @throws IllegalStateException after {@code timeout}
   */
  public static String awaitHolder(
      KubernetesClient client, String namespace, Predicate<String> wanted, Duration timeout)
      throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    var last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = holder(client, namespace);
        if (wanted.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        // The API server restarting: try again.
        last = e.toString();
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(
        "Lease "
            + namespace
            + "/"
            + SchemaGateOperator.LEASE_NAME
            + " still held by '"
            + last
            + "'");
  }
}
