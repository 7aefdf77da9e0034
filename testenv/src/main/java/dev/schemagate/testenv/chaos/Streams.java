package dev.schemagate.testenv.chaos;

import dev.schemagate.testenv.bench.Output;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream of migrations the harm is done to: every app is bumped to new revisions, one after
 * another (a new script in its ConfigMap, then a new image in its Deployment, in `kubectl apply`
 * order), about one in five failing on purpose and fixed by the next; each bump waits until its
 * SchemaMigration is Ready or Stalled for the new image. The streams go on until {@link #stop()},
 * then ship a fix where the last revision failed, and end.
 */
final class Streams implements AutoCloseable {
  private static final int MAX_REVISIONS = 200;
  private static final long OUTCOME_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final KubernetesClient client;
  private final ExecutorService threads;
  private final List<Future<?>> streams = new ArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicInteger revisions = new AtomicInteger();
  private final AtomicInteger unexpected = new AtomicInteger();

  Streams(KubernetesClient client, List<ChaosApp> apps, long seed) {
    this.client = client;
    this.threads = Executors.newFixedThreadPool(apps.size());
    for (int i = 0; i < apps.size(); i++) {
      var app = apps.get(i);
      var random = new Random(seed + i);
      streams.add(threads.submit(() -> stream(app, random)));
    }
  }

  private Void stream(ChaosApp app, Random random) throws Exception {
    int revision = 1;
    boolean failed = false;
    awaitOutcome(app, 1);
    while ((!stopping.get() || failed) && revision < MAX_REVISIONS) {
      revision++;
      // Never fail twice running, so the stream keeps moving; never fail the fix at the end.
      failed = !failed && !stopping.get() && random.nextInt(5) == 0;
      bump(client, app, revision, failed);
      revisions.incrementAndGet();
      var ready = awaitOutcome(app, revision);
      if (ready == failed) {
        unexpected.incrementAndGet();
        Output.progress(
            app.migration()
                + " revision "
                + revision
                + (failed ? " should have failed" : " should have succeeded")
                + ": "
                + ChaosContext.migration(client, app).getStatus().getConditions());
      }
    }
    return null;
  }

  /**
   * Ships {@code revision} of the app: its script (failing on purpose if {@code failing}) in the
   * ConfigMap, then its image in the Deployment.
   */
  static void bump(KubernetesClient client, ChaosApp app, int revision, boolean failing) {
    client.resource(app.migrations(revision, failing ? Set.of(revision) : Set.of())).update();
    client
        .apps()
        .deployments()
        .inNamespace(app.namespace())
        .withName(app.name())
        .patch(ChaosApp.imagePatch(revision));
  }

  /**
   * Waits up to {@code timeout} for every app Ready for image {@code revision}; returns the rest.
   */
  static List<String> awaitReady(
      KubernetesClient client, List<ChaosApp> apps, int revision, Duration timeout)
      throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      var notReady = new ArrayList<String>();
      for (var app : apps) {
        try {
          if (!ready(client, app, ChaosApp.image(revision))) {
            notReady.add(app.migration());
          }
        } catch (RuntimeException e) {
          notReady.add(app.migration());
        }
      }
      if (notReady.isEmpty() || System.nanoTime() > deadline) {
        return notReady;
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits until the SchemaMigration is Ready (true) or Stalled (false) for image {@code revision}.
   */
  private boolean awaitOutcome(ChaosApp app, int revision) throws InterruptedException {
    var image = ChaosApp.image(revision);
    var deadline = System.nanoTime() + OUTCOME_TIMEOUT_NANOS;
    while (System.nanoTime() < deadline) {
      try {
        if (ready(client, app, image)) {
          return true;
        }
        if (stalled(client, app, image)) {
          return false;
        }
      } catch (RuntimeException e) {
        // The API server restarting: ask again.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(app.migration() + " neither Ready nor Stalled for " + image);
  }

  /** Ready=True, for {@code image} when not null. */
  static boolean ready(KubernetesClient client, ChaosApp app, String image) {
    return condition(client, app, image, "Ready");
  }

  private static boolean stalled(KubernetesClient client, ChaosApp app, String image) {
    return condition(client, app, image, "Stalled");
  }

  private static boolean condition(
      KubernetesClient client, ChaosApp app, String image, String type) {
    var m = ChaosContext.migration(client, app);
    if (m == null || m.getStatus() == null) {
      return false;
    }
    var status = m.getStatus();
    if (image != null && !image.equals(status.getImage())) {
      return false;
    }
    return status.getConditions().stream()
        .anyMatch(
            c ->
                type.equals(c.getType())
                    && "True".equals(c.getStatus())
                    && m.getMetadata().getGeneration().equals(c.getObservedGeneration()));
  }

  /** Asks the streams to end after their current revision (and a fix, if it failed). */
  void stop() {
    stopping.set(true);
  }

  /** Waits for every stream to end; rethrows what ended one. */
  void await() throws Exception {
    stop();
    for (var s : streams) {
      s.get(30, TimeUnit.MINUTES);
    }
  }

  int revisions() {
    return revisions.get();
  }

  int unexpectedOutcomes() {
    return unexpected.get();
  }

  @Override
  public void close() {
    stopping.set(true);
    threads.shutdownNow();
  }
}
