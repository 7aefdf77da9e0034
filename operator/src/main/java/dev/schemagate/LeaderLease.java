package dev.schemagate;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-election Lease {@value SchemaGateOperator#LEASE_NAME}: this process's identity in it,
 * the election's timing, and giving the Lease up on a graceful stop. JOSDK 5.2 builds fabric8's
 * LeaderElector with releaseOnCancel off and keeps it private, so without the release a standby
 * waits out the whole lease duration (15 s) after every rolling update of the operator.
 */
public final class LeaderLease {
  /** How long a Lease not renewed stays the holder's: a killed leader's successor waits this. */
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);

  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);

  /**
   * How often the leader renews and a standby tries to acquire. fabric8 adds up to 120% jitter to a
   * standby's wait, so a released Lease is taken within 0.5..1.1 s: the handover of a rolling
   * update stays under 2 s, for one small Lease write every 500 ms by the leader.
   */
  static final Duration RETRY_PERIOD = Duration.ofMillis(500);

  /**
   * This process's identity in the Lease: the pod's name (HOSTNAME), unique among the replicas and
   * kept across a container restart, so a leader killed and restarted by the kubelet takes its
   * Lease back at once instead of waiting for it to expire; outside a pod, where HOSTNAME may be
   * unset or shared, a random one.
   */
  public static final String IDENTITY = identity(System.getenv("HOSTNAME"));

  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  private static final AtomicBoolean releaseOnStop = new AtomicBoolean();

  private LeaderLease() {}

  /**
   * The election of {@link SchemaGateOperator}. Operator.stop() stops the controllers and then
   * cancels the election, whose stop-leading callback runs before JOSDK's System.exit: there, on
   * the operator's own client (still open), the Lease is released when {@link #releaseOnStop()} was
   * called. A Lease lost while reconciling (renewal failed) is not released: the controllers still
   * run then.
   */
  static LeaderElectionConfiguration configuration(KubernetesClient client, String namespace) {
    var callbacks =
        new LeaderCallbacks(
            () -> {},
            () -> {
              if (releaseOnStop.get()) {
                release(client, namespace);
              }
            },
            leader -> {});
    // exitOnStopLeading: a leader that lost its Lease must stop reconciling at once.
    return new LeaderElectionConfiguration(
        SchemaGateOperator.LEASE_NAME,
        namespace,
        LEASE_DURATION,
        RENEW_DEADLINE,
        RETRY_PERIOD,
        IDENTITY,
        callbacks,
        true);
  }

  static String identity(String hostname) {
    return hostname == null || hostname.isBlank() ? UUID.randomUUID().toString() : hostname;
  }

  /** Asks for the Lease to be released when the operator stops: a graceful stop (SIGTERM). */
  public static void releaseOnStop() {
    releaseOnStop.set(true);
  }

  /**
   * The Lease given up by {@code identity}, as client-go's ReleaseOnCancel writes it (no holder, a
   * 1 s duration, the transitions kept); empty when {@code identity} does not hold it.
   */
  static Optional<Lease> released(Lease current, String identity, ZonedDateTime now) {
    if (current == null
        || current.getSpec() == null
        || !identity.equals(current.getSpec().getHolderIdentity())) {
      return Optional.empty();
    }
    return Optional.of(
        new LeaseBuilder(current)
            .editSpec()
            .withHolderIdentity("")
            .withLeaseDurationSeconds(1)
            .withAcquireTime(now)
            .withRenewTime(now)
            .endSpec()
            .build());
  }

  /**
   * Gives the Lease up if this process holds it; only once reconciling has stopped. The update
   * carries the resourceVersion read, so a Lease taken over meanwhile is left alone (409).
   *
   * @return whether the Lease was released
   */
  static boolean release(KubernetesClient client, String namespace) {
    try {
      var leases = client.leases().inNamespace(namespace).withName(SchemaGateOperator.LEASE_NAME);
      var released = released(leases.get(), IDENTITY, ZonedDateTime.now(ZoneOffset.UTC));
      if (released.isEmpty()) {
        return false;
      }
      client.resource(released.get()).update();
      log.info("released the Lease {}/{}", namespace, SchemaGateOperator.LEASE_NAME);
      return true;
    } catch (KubernetesClientException e) {
      // The standby then takes over when the Lease expires, as after a crash.
      log.warn(
          "could not release the Lease {}/{}: {}",
          namespace,
          SchemaGateOperator.LEASE_NAME,
          e.getMessage());
      return false;
    }
  }
}
