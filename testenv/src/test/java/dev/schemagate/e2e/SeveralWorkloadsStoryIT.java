package dev.schemagate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import dev.schemagate.gate.PodGate;
import dev.schemagate.job.MigrationJob;
import dev.schemagate.testenv.BasketballExample;
import dev.schemagate.testenv.BasketballExample.Release;
import dev.schemagate.testenv.Cluster;
import dev.schemagate.testenv.Kubectl;
import dev.schemagate.testenv.LocalPostgres;
import dev.schemagate.testenv.ReadyPods;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * basketball-api as most apps are: the example's web and worker Deployments and a nightly CronJob
 * on one image and one database, gated by one SchemaMigration running Alembic (which has no lock of
 * its own). An upgrade applied to web and, a moment later, to the worker and the CronJob runs one
 * Job; no pod of the new image is Ready anywhere before it succeeded; both Deployments keep all
 * their replicas Ready throughout (sampled every 200 ms); a run of the CronJob started during the
 * hold is held, then released. The hold is made to last: the test holds a lock on alembic_version,
 * so the migration waits for it.
 */
class SeveralWorkloadsStoryIT {
  static final String WEB = Story.APP;
  static final String WORKER = BasketballExample.WORKER;
  static final String NIGHTLY = "nightly";
  static final Duration SAMPLE = Duration.ofMillis(200);
  static final Duration HOLD = Duration.ofSeconds(8);

  @Test
  void oneJobForWebWorkerAndCronJobNoEarlyStartAndEveryReplicaServing() throws Exception {
    try (var story = new Story("several-workloads", AlembicSeedStoryIT.images()).withOperator()) {
      // The example's web and worker, and a nightly CronJob on the same image.
      BasketballExample.apply(
          story.client, story.namespace, story.url, Release.V1_7, SeveralWorkloadsStoryIT::gated);
      var web = story.deployment();
      story.client.resource(nightly(web)).create();
      story.awaitTrue("Ready", "Migrated");
      await().atMost(Story.TIMEOUT).until(() -> story.readyReplicas() == 3 && ready(story) == 1);
      var startsBefore = story.appStarts();

      var firstNewReady = new AtomicReference<Instant>();
      try (var webReady = sampler(story, WEB, firstNewReady);
          var workerReady = sampler(story, WORKER, firstNewReady);
          var lock = LocalPostgres.connect(story.url)) {
        lock.setAutoCommit(false);
        lock.createStatement().execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE");

        // GitOps applies them in sequence: web, then a moment later the worker and the CronJob.
        BasketballExample.apply(
            story.client,
            story.namespace,
            story.url,
            Release.V1_8_1,
            item -> {
              gated(item);
              if (item instanceof Deployment d && WORKER.equals(d.getMetadata().getName())) {
                d.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .setImage(Release.V1_7.image);
              }
            });
        Thread.sleep(1000);
        setImage(story, Deployment.class, WORKER, Release.V1_8_1.image);
        setImage(story, CronJob.class, NIGHTLY, Release.V1_8_1.image);
        var job = awaitJobFor(story, Release.V1_8_1.image);
        var run = story.client.resource(runOf(story)).create();

        var held = awaitHeld(story, 3);
        var smig =
            Kubectl.run(Cluster.plane().kubeconfig(), null, "get", "smig", "-n", story.namespace);
        System.out.println("[several-workloads] during the hold:\n" + smig);
        System.out.println(
            "[several-workloads] status.workloads: "
                + story.migration().getStatus().getWorkloads());
        assertThat(held)
            .extracting(p -> p.getMetadata().getOwnerReferences().get(0).getName())
            .anyMatch(owner -> owner.startsWith(WEB + "-"))
            .anyMatch(owner -> owner.startsWith(WORKER + "-"))
            .contains(run.getMetadata().getName());
        assertThat(story.condition("Reconciling").orElseThrow().getMessage())
            .startsWith(
                "basketball-api: 3 of 1.7 serving, 1.8.1 held (1 pods gated); basketball-worker:"
                    + " 1 of 1.7 serving, 1.8.1 held (1 pods gated); nightly: 1.8.1 held (1 pods"
                    + " gated): Job");
        Thread.sleep(HOLD.toMillis());
        assertThat(migrationJobs(story)).extracting(j -> j.getMetadata().getName()).hasSize(2);
        assertThat(story.appStarts()).as("no app process of 1.8.1 started").isEqualTo(startsBefore);
        assertThat(firstNewReady.get()).as("no pod of 1.8.1 Ready during the hold").isNull();

        var unlocked = Instant.now();
        lock.rollback();
        story.awaitTrue("Ready", "Migrated");
        await()
            .atMost(Story.TIMEOUT)
            .until(
                () ->
                    Map.of(Release.V1_8_1.image, 3).equals(webReady.now())
                        && Map.of(Release.V1_8_1.image, 1).equals(workerReady.now()));
        await().atMost(Story.TIMEOUT).until(() -> succeeded(story, run.getMetadata().getName()));

        System.out.printf(
            "e2e_several_workloads min_ready web=%d worker=%d samples=%d,%d migration_jobs=%s%n",
            webReady.minimum(),
            workerReady.minimum(),
            webReady.samples(),
            workerReady.samples(),
            migrationJobs(story).stream().map(j -> j.getMetadata().getName()).toList());
        assertThat(webReady.minimum()).as("web Ready through the upgrade").isEqualTo(3);
        assertThat(workerReady.minimum()).as("worker Ready through the upgrade").isEqualTo(1);
        assertThat(firstNewReady.get()).isAfter(unlocked);
        // One Job per image: 1.7's at install, 1.8.1's now, whatever the number of workloads.
        assertThat(migrationJobs(story))
            .extracting(j -> j.getMetadata().getAnnotations().get(MigrationJob.IMAGE_ANNOTATION))
            .containsExactlyInAnyOrder(Release.V1_7.image, Release.V1_8_1.image);
        assertThat(job.getMetadata().getName()).isEqualTo(story.migration().getStatus().getJob());
        assertThat(story.query("SELECT version_num FROM alembic_version")).containsExactly("008");
      }
    }
  }

  /**
   * The example's SchemaMigration with Alembic as its source, gating the worker and CronJob too.
   */
  @SuppressWarnings("unchecked")
  static void gated(HasMetadata item) {
    AlembicSeedStoryIT.alembicSource(item);
    if (item instanceof GenericKubernetesResource resource
        && SchemaMigration.class.getSimpleName().equals(resource.getKind())) {
      var spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
      ((Map<String, Object>) spec.get("target"))
          .put(
              "workloads",
              List.of(
                  Map.of(
                      "kind",
                      "Deployment",
                      "name",
                      WORKER,
                      "container",
                      BasketballExample.WORKER_CONTAINER),
                  Map.of("kind", "CronJob", "name", NIGHTLY)));
      // The test's lock on alembic_version makes the hold last: the migration waits it out.
      spec.put("locks", Map.of("timeout", "5m"));
    }
  }

  /** The nightly report: the app's container running `alembic current`, at 03:00. */
  static CronJob nightly(Deployment web) {
    var pod = web.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    container.setCommand(List.of("alembic"));
    container.setArgs(List.of("current"));
    container.setReadinessProbe(null);
    container.setPorts(List.of());
    pod.setRestartPolicy("Never");
    return new CronJobBuilder()
        .withNewMetadata()
        .withName(NIGHTLY)
        .withNamespace(web.getMetadata().getNamespace())
        .endMetadata()
        .withNewSpec()
        .withSchedule("0 3 * * *")
        .withNewJobTemplate()
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app.kubernetes.io/name", NIGHTLY)
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .endJobTemplate()
        .endSpec()
        .build();
  }

  /**
   * A run of the CronJob now, as its controller makes one: a Job of its Job template, owned by it,
   * named after the scheduled minute.
   */
  static Job runOf(Story story) {
    var cronJob =
        story.client.batch().v1().cronjobs().inNamespace(story.namespace).withName(NIGHTLY).get();
    var minute = Instant.now().getEpochSecond() / 60;
    return new JobBuilder()
        .withNewMetadata()
        .withName(NIGHTLY + "-" + minute)
        .withNamespace(story.namespace)
        .addNewOwnerReference()
        .withApiVersion("batch/v1")
        .withKind("CronJob")
        .withName(NIGHTLY)
        .withUid(cronJob.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withSpec(cronJob.getSpec().getJobTemplate().getSpec())
        .build();
  }

  static <T extends HasMetadata> void setImage(
      Story story, Class<T> kind, String name, String image) {
    story
        .client
        .resources(kind)
        .inNamespace(story.namespace)
        .withName(name)
        .edit(
            r -> {
              var pod =
                  r instanceof Deployment d
                      ? d.getSpec().getTemplate().getSpec()
                      : ((CronJob) r).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
              pod.getContainers().get(0).setImage(image);
              return r;
            });
  }

  static ReadyPods sampler(Story story, String app, AtomicReference<Instant> firstNewReady) {
    return new ReadyPods(
            story.client,
            story.namespace,
            app,
            SAMPLE,
            counts -> {
              System.out.println("[several-workloads] " + app + " Ready by image: " + counts);
              if (counts.containsKey(Release.V1_8_1.image)) {
                firstNewReady.compareAndSet(null, Instant.now());
              }
            })
        .start();
  }

  static int ready(Story story) {
    var status =
        story
            .client
            .apps()
            .deployments()
            .inNamespace(story.namespace)
            .withName(WORKER)
            .get()
            .getStatus();
    return status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
  }

  static List<Job> migrationJobs(Story story) {
    return story
        .client
        .batch()
        .v1()
        .jobs()
        .inNamespace(story.namespace)
        .withLabel(MigrationJob.INSTANCE_LABEL, Story.APP)
        .list()
        .getItems();
  }

  static Job awaitJobFor(Story story, String image) {
    return await()
        .atMost(Story.TIMEOUT)
        .until(
            () ->
                migrationJobs(story).stream()
                    .filter(
                        j ->
                            image.equals(
                                j.getMetadata()
                                    .getAnnotations()
                                    .get(MigrationJob.IMAGE_ANNOTATION)))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  /** Waits until {@code count} pods are held (gated, labelled), and returns them. */
  static List<Pod> awaitHeld(Story story, int count) {
    return await()
        .atMost(Story.TIMEOUT)
        .until(
            () ->
                story
                    .client
                    .pods()
                    .inNamespace(story.namespace)
                    .withLabel(PodGate.HELD_BY)
                    .list()
                    .getItems()
                    .stream()
                    .filter(
                        p ->
                            p.getSpec().getSchedulingGates().stream()
                                .anyMatch(g -> PodGate.GATE.equals(g.getName())))
                    .toList(),
            pods -> pods.size() == count);
  }

  static boolean succeeded(Story story, String job) {
    var status =
        story
            .client
            .batch()
            .v1()
            .jobs()
            .inNamespace(story.namespace)
            .withName(job)
            .get()
            .getStatus();
    return status != null && status.getSucceeded() != null && status.getSucceeded() == 1;
  }
}
