package dev.schemagate.job;

import dev.schemagate.api.Inherit;
import dev.schemagate.api.JobSettings;
import dev.schemagate.api.MigrationPodTemplate;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Builds the Job that runs one revision of a migration. Pure: same inputs, same Job. */
public final class MigrationJob {
  /**
   * The runner's JVM options, as JDK_JAVA_OPTIONS (read by the java launcher, after the image's own
   * flags). A run of a few seconds wants no C2, no parallel GC and a small first heap: measured by
   * testenv/bench (V1..V8 on a fresh database), peak RSS went from about 95 to 57 MiB and wall time
   * fell by a third or more.
   */
  public static final String RUNNER_JVM_OPTIONS =
      "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k -Xms8m";

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String REVISION_LABEL = "schemagate.dev/revision";

  /** The app image a Job migrates: once it succeeds, pods of that image are admitted. */
  public static final String IMAGE_ANNOTATION = "schemagate.dev/image";

  public static final String MANAGED_BY = "schemagate";
  public static final String COMPONENT = "migration";

  /**
   * Selects every Job and Pod the operator made, and nothing else: its informers watch only these.
   */
  public static final String SELECTOR =
      MANAGED_BY_LABEL + "=" + MANAGED_BY + "," + COMPONENT_LABEL + "=" + COMPONENT;

  public static final String MIGRATIONS_DIR = "/migrations";

  /** Our volumes' names, apart from any an app's pod has. */
  static final String TMP_VOLUME = "schemagate-tmp";

  static final String MIGRATIONS_VOLUME = "schemagate-migrations";

  static final int NON_ROOT_UID = 65532;

  private MigrationJob() {}

  /**
   * The labels of {@link #SELECTOR} that {@code job} lacks or has another value of, as {@code
   * key=value}: empty for a Job the operator's informer sees.
   */
  public static List<String> missingSelectorLabels(Job job) {
    var labels =
        Objects.requireNonNullElse(job.getMetadata().getLabels(), Map.<String, String>of());
    return Arrays.stream(SELECTOR.split(","))
        .filter(
            pair -> {
              var key = pair.substring(0, pair.indexOf('='));
              return !pair.equals(key + "=" + labels.get(key));
            })
        .toList();
  }

  /** The Job name is the idempotency key: one Job per SchemaMigration and revision. */
  public static String name(String migrationName, String revision) {
    return migrationName + "-" + revision;
  }

  public static Map<String, String> labels(String migrationName, String revision) {
    return Map.of(
        NAME_LABEL, "schemagate",
        INSTANCE_LABEL, migrationName,
        COMPONENT_LABEL, COMPONENT,
        MANAGED_BY_LABEL, MANAGED_BY,
        REVISION_LABEL, revision);
  }

  /** The migration's container: the one the pod's log and termination message are read from. */
  public static final String CONTAINER = "migrate";

  /**
   * @param image the target's app image this revision migrates; a command without an image of its
   *     own runs in it
   * @param app the target Deployment's pod template as it is now (read when the Job is created):
   *     the migration pod is derived from it (spec.job.inherit); empty when it is not known
   */
  public static Job build(
      SchemaMigration migration,
      String revision,
      String image,
      String runnerImage,
      Optional<PodTemplateSpec> app) {
    return build(
        migration,
        revision,
        image,
        runnerImage,
        app,
        migration.getSpec().getTarget().getContainer());
  }

  /**
   * @param appContainer the app container of the workload {@code app} is of, as configured (null:
   *     the first)
   */
  public static Job build(
      SchemaMigration migration,
      String revision,
      String image,
      String runnerImage,
      Optional<PodTemplateSpec> app,
      String appContainer) {
    var meta = migration.getMetadata();
    var spec = migration.getSpec();
    var limits = Optional.ofNullable(spec.getJob()).orElseGet(JobSettings::new);
    var labels = labels(meta.getName(), revision);
    var inherited =
        limits.inheritOrDefault() == Inherit.PodTemplate ? app : Optional.<PodTemplateSpec>empty();
    var override = Optional.ofNullable(limits.getPodTemplate());
    var pod =
        PodPatch.apply(
            pod(spec, image, runnerImage, limits, inherited, appContainer),
            override.map(MigrationPodTemplate::getSpec).orElse(null));
    pod.setRestartPolicy("Never");
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(meta.getName(), revision))
        .withNamespace(meta.getNamespace())
        .withLabels(labels)
        .withAnnotations(Map.of(IMAGE_ANNOTATION, image))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(migration.getApiVersion())
                .withKind(migration.getKind())
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withParallelism(1)
        .withCompletions(1)
        .withBackoffLimit(limits.backoffLimitOrDefault())
        .withActiveDeadlineSeconds(limits.activeDeadlineSecondsOrDefault())
        // A retry pod starts only once the failed one is gone: never two runners from one Job.
        .withPodReplacementPolicy("Failed")
        .withNewTemplate()
        .withMetadata(podMetadata(labels, inherited, override))
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The app's injection labels and its annotations, then the override's, then ours last: the
   * informers find the migration pods by them.
   */
  private static ObjectMeta podMetadata(
      Map<String, String> labels,
      Optional<PodTemplateSpec> inherited,
      Optional<MigrationPodTemplate> override) {
    var podLabels = new LinkedHashMap<String, String>();
    var podAnnotations = new LinkedHashMap<String, String>();
    inherited.ifPresent(
        t -> {
          podLabels.putAll(AppPod.labels(t));
          podAnnotations.putAll(AppPod.annotations(t));
        });
    override
        .map(MigrationPodTemplate::getMetadata)
        .ifPresent(
            m -> {
              podLabels.putAll(Objects.requireNonNullElse(m.getLabels(), Map.of()));
              podAnnotations.putAll(Objects.requireNonNullElse(m.getAnnotations(), Map.of()));
            });
    podLabels.putAll(labels);
    return new ObjectMetaBuilder()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations.isEmpty() ? null : podAnnotations)
        .build();
  }

  /** SchemaGate's own pod (hardened), with what it inherits from the app's. */
  private static PodSpec pod(
      SchemaMigrationSpec spec,
      String image,
      String runnerImage,
      JobSettings limits,
      Optional<PodTemplateSpec> app,
      String appContainer) {
    var volumes = new ArrayList<Volume>();
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    if (spec.getFlyway() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(MIGRATIONS_VOLUME)
              .withNewConfigMap()
              .withName(spec.getFlyway().getConfigMapRef().getName())
              .endConfigMap()
              .build());
    }
    var container =
        MigrationContainer.of(spec, image, runnerImage, limits.activeDeadlineSecondsOrDefault());
    var pod =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser((long) NON_ROOT_UID)
            .withRunAsGroup((long) NON_ROOT_UID)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .withVolumes(volumes)
            .build();
    var appSpec = app.map(PodTemplateSpec::getSpec);
    if (appSpec.isPresent()) {
      // The runner runs in the operator's image: the app container's environment is not its own.
      if (spec.getCommand() != null) {
        AppPod.appContainer(appSpec.get(), appContainer)
            .ifPresent(c -> AppPod.inheritContainer(pod, container, appSpec.get(), c));
      }
      AppPod.inheritPod(pod, appSpec.get());
    }
    pod.setContainers(List.of(container));
    return pod;
  }
}
