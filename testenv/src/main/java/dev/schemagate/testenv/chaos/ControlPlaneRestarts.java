package dev.schemagate.testenv.chaos;

import static dev.schemagate.testenv.bench.Output.put;

import dev.schemagate.testenv.bench.Output;
import java.time.Duration;
import java.util.List;

/**
 * API server and etcd restarts mid-migration: every app is bumped, and once a migration pod runs,
 * kube-apiserver is stopped and started, then etcd. The operator (one process, never restarted)
 * must reconnect on its own: the revisions in flight end Ready, and so does one more bumped after
 * the restarts (an operator whose watches died would never see it). Recovery: from the control
 * plane serving again to every revision in flight Ready.
 */
final class ControlPlaneRestarts implements Part {
  private static final String NAMESPACE = "chaos-restarts";

  @Override
  public String name() {
    return "restarts";
  }

  @Override
  public void run(ChaosContext context) throws Exception {
    var client = context.client;
    try (var node = context.namespaceWithNode(NAMESPACE);
        var recorder = new Recorder(client, NAMESPACE);
        var operator = context.startOperator("schemagate-restarts", "restarts-operator.log")) {
      var apps = context.createApps(NAMESPACE, Math.max(2, context.options.apps() / 4));
      var notReady = context.awaitAllReady(apps, 5);
      if (!notReady.isEmpty()) {
        throw new IllegalStateException("not Ready before the restarts: " + notReady);
      }
      for (var app : apps) {
        Streams.bump(client, app, 2, false);
      }
      var runs = recorder.successes();
      awaitMigrationPodRunning(recorder);
      var stopped = System.nanoTime();
      for (var component : List.of("kube-apiserver", "etcd")) {
        Output.progress("restarts: restarting " + component);
        context.cluster.plane().restart(component);
      }
      var back = System.nanoTime();
      put("control_plane_restart_s", "%.2f".formatted((back - stopped) / 1e9));
      var inFlight = Streams.awaitReady(client, apps, 2, Duration.ofMinutes(5));
      put("apiserver_restart_recovery_s", "%.2f".formatted((System.nanoTime() - back) / 1e9));
      for (var app : apps) {
        Streams.bump(client, app, 3, false);
      }
      var next = System.nanoTime();
      var after = Streams.awaitReady(client, apps, 3, Duration.ofMinutes(5));
      put("apiserver_restart_next_revision_s", "%.2f".formatted((System.nanoTime() - next) / 1e9));
      inFlight.forEach(m -> Output.progress("restarts: in-flight revision not Ready: " + m));
      after.forEach(m -> Output.progress("restarts: revision after the restarts not Ready: " + m));
      context.notReadyAtEnd.addAndGet(after.size());
      context.judge(name(), recorder.history(ChaosContext.databases(apps)));
      if (!operator.isAlive()) {
        context.operatorCrashes.incrementAndGet();
        Output.progress("restarts: the operator exited; see " + operator.log());
      }
      Output.progress("restarts: " + (recorder.successes() - runs) + " migration pods succeeded");
    }
  }

  private static void awaitMigrationPodRunning(Recorder recorder) throws InterruptedException {
    var deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (recorder.running() == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no migration pod running 3 min after the bump");
      }
      Thread.sleep(10);
    }
  }
}
