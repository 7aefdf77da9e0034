package dev.schemagate.metrics;

import dev.schemagate.api.SchemaMigration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SchemaGate's own metrics, beside JOSDK's: fed by the reconciler from what one reconcile observed
 * and planned ({@link MetricsReading}). Labels are the SchemaMigration's namespace and name and the
 * result, never an image or a pod: a bounded set of series.
 *
 * <p>Counts happen at transitions (status before and after), and each Job and pod counts once even
 * when a reconcile runs again on a cache that has not caught up with the last one.
 */
public final class MigrationMetrics {
  public static final String MIGRATIONS = "schemagate.migrations";
  public static final String MIGRATION_DURATION = "schemagate.migration.duration";
  public static final String RELEASE_LATENCY = "schemagate.release.latency";
  public static final String HELD_PODS = "schemagate.held.pods";
  public static final String OLDEST_HELD_POD_AGE = "schemagate.oldest.held.pod.age";
  public static final String STALLED = "schemagate.migration.stalled";
  public static final String EVENT_HANDLER_FAILURES = "schemagate.event.handler.failures";

  /** Jobs and pods remembered as counted, per SchemaMigration: more than a reconcile can see. */
  private static final int REMEMBERED = 64;

  private static final Duration[] MIGRATION_BUCKETS =
      seconds(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600);
  private static final Duration[] RELEASE_BUCKETS =
      seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Migration> migrations = new ConcurrentHashMap<>();

  public MigrationMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * An informer's event for an object of this kind threw in its handler: that event is lost to the
   * reconciler (the maximum reconciliation interval is what then catches up).
   */
  public void eventHandlerFailed(String kind) {
    Counter.builder(EVENT_HANDLER_FAILURES)
        .description("Watch events lost to an exception in their handler, by kind")
        .tag("kind", kind == null ? "unknown" : kind)
        .register(registry)
        .increment();
  }

  /** Records what one reconcile of {@code reconciled.migration()} changed. */
  public void reconciled(Reconciled reconciled) {
    var reading = MetricsReading.of(reconciled, clock.instant());
    var migration = reconciled.migration();
    var m = migrations.computeIfAbsent(key(migration), k -> register(migration));
    for (var f : reading.finished()) {
      if (m.counted.add(f.result() + " " + f.job())) {
        m.count(f.result());
        f.duration()
            .ifPresent(
                d ->
                    Timer.builder(MIGRATION_DURATION)
                        .description("From a migration Job's start to its end, by result")
                        .tag("result", f.result().label())
                        .serviceLevelObjectives(MIGRATION_BUCKETS)
                        .register(registry)
                        .record(d));
      }
    }
    for (var r : reading.released()) {
      if (m.released.add(r.pod())) {
        r.latency()
            .ifPresent(
                d ->
                    Timer.builder(RELEASE_LATENCY)
                        .description(
                            "From the end of a migration to the release of a pod held for it")
                        .serviceLevelObjectives(RELEASE_BUCKETS)
                        .register(registry)
                        .record(d));
      }
    }
    m.heldPods = reading.heldPods();
    m.oldestHeldSince = reading.oldestHeldSince();
    m.stalled = reading.stalled();
  }

  /** The SchemaMigration is gone: so are its series. */
  public void deleted(SchemaMigration migration) {
    var m = migrations.remove(key(migration));
    if (m != null) {
      m.meters.forEach(registry::remove);
    }
  }

  private Migration register(SchemaMigration migration) {
    var tags =
        Tags.of(
            "namespace", migration.getMetadata().getNamespace(),
            "name", migration.getMetadata().getName());
    var m = new Migration();
    // Both results from the start, so that the first failure is an increase from 0.
    for (var result : MetricsReading.Result.values()) {
      var counter =
          Counter.builder(MIGRATIONS)
              .description("Migration Jobs that ended, by result")
              .tags(tags)
              .tag("result", result.label())
              .register(registry);
      m.counters.put(result, counter);
      m.meters.add(counter);
    }
    m.meters.add(
        Gauge.builder(HELD_PODS, m, x -> x.heldPods)
            .description("Pods of the target held until their image's migration succeeds")
            .tags(tags)
            .register(registry));
    m.meters.add(
        Gauge.builder(OLDEST_HELD_POD_AGE, m, x -> x.oldestHeldAgeSeconds(clock.instant()))
            .description("How long the oldest held pod has been held; 0 when none is")
            .baseUnit("seconds")
            .tags(tags)
            .register(registry));
    m.meters.add(
        Gauge.builder(STALLED, m, x -> x.stalled ? 1 : 0)
            .description(
                "1 while the SchemaMigration is Stalled: its migration failed, its spec"
                    + " cannot be run, or its Job was edited out of sight")
            .tags(tags)
            .register(registry));
    return m;
  }

  private static String key(SchemaMigration migration) {
    return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
  }

  private static Duration[] seconds(double... values) {
    var durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return durations;
  }

  /** One SchemaMigration's series and what has been counted for it. */
  private static final class Migration {
    final Map<MetricsReading.Result, Counter> counters = new ConcurrentHashMap<>();
    final List<Meter> meters = new CopyOnWriteArrayList<>();
    final Set<String> counted = remembering();
    final Set<String> released = remembering();
    // Written by the reconcile, read by the scrape.
    volatile int heldPods;
    volatile Optional<Instant> oldestHeldSince = Optional.empty();
    volatile boolean stalled;

    void count(MetricsReading.Result result) {
      counters.get(result).increment();
    }

    double oldestHeldAgeSeconds(Instant now) {
      return oldestHeldSince
          .map(since -> Math.max(0, Duration.between(since, now).toMillis() / 1000.0))
          .orElse(0.0);
    }

    /** The last {@link #REMEMBERED} keys added. */
    private static Set<String> remembering() {
      return Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<String, Boolean>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > REMEMBERED;
                }
              }));
    }
  }
}
