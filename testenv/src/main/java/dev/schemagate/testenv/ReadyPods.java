package dev.schemagate.testenv;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Samples the Ready pods of an app by image, as a load balancer would see them, on a thread of its
 * own: what the demo prints and what the upgrade tests assert on (the minimum never drops).
 */
public final class ReadyPods implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final String app;
  private final AtomicInteger minimum = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger samples = new AtomicInteger();
  private final Thread thread;
  private volatile Map<String, Integer> last = Map.of();
  private volatile boolean running = true;

  /**
   * @param app the value of the pods' app.kubernetes.io/name label
   * @param onChange called with the counts by image whenever they change
   */
  public ReadyPods(
      KubernetesClient client,
      String namespace,
      String app,
      Duration every,
      Consumer<Map<String, Integer>> onChange) {
    this.client = client;
    this.namespace = namespace;
    this.app = app;
    thread =
        new Thread(
            () -> {
              while (running) {
                var now = now();
                var total = now.values().stream().mapToInt(Integer::intValue).sum();
                minimum.accumulateAndGet(total, Math::min);
                samples.incrementAndGet();
                if (!now.equals(last)) {
                  last = now;
                  onChange.accept(now);
                }
                try {
                  Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "ready-pods-" + namespace);
    thread.setDaemon(true);
  }

  public ReadyPods start() {
    thread.start();
    return this;
  }

  /** Ready pods by app image now. */
  public Map<String, Integer> now() {
    var counts = new TreeMap<String, Integer>();
    for (var pod :
        client
            .pods()
            .inNamespace(namespace)
            .withLabel("app.kubernetes.io/name", app)
            .list()
            .getItems()) {
      if (ready(pod)) {
        counts.merge(pod.getSpec().getContainers().get(0).getImage(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** The fewest Ready pods any sample saw since start or the last reset. */
  public int minimum() {
    return minimum.get();
  }

  public int samples() {
    return samples.get();
  }

  public Map<String, Integer> last() {
    return last;
  }

  public void resetMinimum() {
    minimum.set(Integer.MAX_VALUE);
  }

  static boolean ready(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
