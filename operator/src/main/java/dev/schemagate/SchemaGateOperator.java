package dev.schemagate;

import dev.schemagate.gate.HoldMechanism;
import dev.schemagate.metrics.MigrationMetrics;
import dev.schemagate.reconcile.CacheTrim;
import dev.schemagate.reconcile.RelevantUpdates;
import dev.schemagate.reconcile.SchemaMigrationReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the reconciler into a JOSDK Operator: the same for the command line and the tests. */
public final class SchemaGateOperator {
  public static final String LEASE_NAME = "schemagate-leader";

  /**
   * Reconciles in flight at once. They wait on the API server, not on this CPU; JOSDK's default of
   * 50 threads, each kept once started, cost memory and bought no speed at 1,000 SchemaMigrations.
   */
  static final int RECONCILE_THREADS = 10;

  /**
   * How long a stop waits for the reconciles in flight before it closes the client. JOSDK's
   * default, none, interrupts them and closes the client under them: each then failed with "Client
   * already closed" and a stack trace, half done (its status written, its Job not yet created).
   * Every step is idempotent, so that was noise, not harm; a reconcile takes well under a second.
   */
  static final Duration RECONCILES_FINISH_WITHIN = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(SchemaGateOperator.class);

  /**
   * Reconcile each SchemaMigration at least this often. Events drive SchemaGate; this only bounds
   * what one lost event costs (JOSDK's default is ten hours). A reconcile with nothing to do reads
   * its caches and sends no request.
   */
  public static final Duration MAX_RECONCILIATION_INTERVAL = Duration.ofMinutes(5);

  /**
   * @param namespaces watched namespaces; empty means all
   * @param leaseNamespace where the leader-election Lease lives; null runs without leader election
   * @param maxReconciliationInterval see {@link #MAX_RECONCILIATION_INTERVAL}
   */
  public record Settings(
      Set<String> namespaces,
      String runnerImage,
      String leaseNamespace,
      Duration maxReconciliationInterval) {
    public Settings(Set<String> namespaces, String runnerImage, String leaseNamespace) {
      this(namespaces, runnerImage, leaseNamespace, MAX_RECONCILIATION_INTERVAL);
    }
  }

  private SchemaGateOperator() {}

  public static Operator start(KubernetesClient client, MeterRegistry registry, Settings settings) {
    var operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                  .withReconciliationTerminationTimeout(RECONCILES_FINISH_WITHIN)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
              if (settings.leaseNamespace() != null) {
                o.withLeaderElectionConfiguration(
                    LeaderLease.configuration(client, settings.leaseNamespace()));
              }
            });
    var mechanism = HoldMechanism.of(client);
    log.info(
        "holding pods of unmigrated images by {}",
        mechanism == HoldMechanism.SchedulingGate
            ? "scheduling gates (MutatingAdmissionPolicy served)"
            : "admission refusal (no MutatingAdmissionPolicy served)");
    operator.register(
        new SchemaMigrationReconciler(
            settings.runnerImage(),
            mechanism,
            Clock.systemUTC(),
            new MigrationMetrics(registry, Clock.systemUTC())),
        c -> {
          c.withOnUpdateFilter(RelevantUpdates::schemaMigration);
          c.withReconciliationMaxInterval(settings.maxReconciliationInterval());
          if (!settings.namespaces().isEmpty()) {
            c.settingNamespaces(settings.namespaces());
          }
          if (settings.namespaces().size() <= 1) {
            c.withItemStore(CacheTrim.store()); // one informer (see CacheTrim.storeFor)
          }
        });
    operator.start();
    return operator;
  }
}
