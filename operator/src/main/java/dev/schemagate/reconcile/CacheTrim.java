package dev.schemagate.reconcile;

import dev.schemagate.job.LockWatch;
import dev.schemagate.job.MigrationJob;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the informers keep of each object: all of it but the fields no decision reads and that weigh
 * most. managedFields (server-side apply's per-manager field sets, a nested map per manager) and
 * kubectl's last-applied-configuration (a second copy of the object, as JSON) are most of a small
 * object's size in the heap, and nothing here reads them: our own writes are applies that name
 * their field manager.
 *
 * <p>Of the kinds cached one or more per SchemaMigration, the pod specs go too, all but what {@link
 * SchemaMigrationReconciler#observe} and the gate read: a migration Job's spec (nothing reads it:
 * the run's outcome is in its status and its pods), a pod's containers but for their names and
 * images (and, of a migration pod, the runner's lock timeout), its scheduling gates, its phase, its
 * containers' and init containers' states (why one waits) and its PodScheduled condition (the
 * scheduler's reason it has no node), and a workload's pod template (a Deployment's, a
 * StatefulSet's, a CronJob's Job template's) but for its containers' names and images, and a
 * StatefulSet's volume claim templates. Volumes, the service account token's projection, security
 * contexts, probes, resources and tolerations were most of each one, and an app's pod template is
 * often far larger than ours. A reader of another field of these kinds reads it here first.
 */
public final class CacheTrim {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private CacheTrim() {}

  /** An informer item store that keeps each object trimmed. */
  public static <R extends HasMetadata> TransformingItemStore<R> store() {
    return new TransformingItemStore<>(CacheTrim::trim);
  }

  /**
   * The store for an informer of these namespaces (JOSDK's set: one name, or its all-namespaces
   * marker), or null for JOSDK's own: JOSDK gives one item store to the informer of each namespace
   * in a list, and each one's relist would drop the others' objects from a shared store.
   */
  public static <R extends HasMetadata> TransformingItemStore<R> storeFor(Set<String> namespaces) {
    return namespaces.size() == 1 ? store() : null;
  }

  /** Drops what is not read (above), in place where it can; returns the object. */
  static <R extends HasMetadata> R trim(R resource) {
    var meta = resource.getMetadata();
    if (meta == null) {
      return resource;
    }
    if (resource instanceof Job job) {
      job.setSpec(null);
    } else if (resource instanceof Pod pod) {
      trim(pod);
    } else if (resource instanceof Deployment deployment && deployment.getSpec() != null) {
      deployment.getSpec().setTemplate(trimmed(deployment.getSpec().getTemplate()));
    } else if (resource instanceof StatefulSet set && set.getSpec() != null) {
      set.getSpec().setTemplate(trimmed(set.getSpec().getTemplate()));
      // A claim template per volume, each a PersistentVolumeClaim: read by no decision.
      set.getSpec().setVolumeClaimTemplates(null);
    } else if (resource instanceof CronJob cronJob) {
      trim(cronJob);
    } else if (resource instanceof ConfigMap configMap) {
      configMap.setData(scripts(configMap.getData()));
      configMap.setBinaryData(scripts(configMap.getBinaryData()));
    }
    meta.setManagedFields(null);
    var annotations = meta.getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      var kept = new LinkedHashMap<>(annotations);
      kept.remove(LAST_APPLIED);
      meta.setAnnotations(kept);
    }
    framed(meta);
    return resource;
  }

  /**
   * What java-operator-sdk and fabric8 read of every cached object's metadata, without a null
   * check, never null: an object read from the API server has empty maps and lists where JSON has
   * none, and a trimmed one must read the same. JOSDK's InformerEventSource reads the annotations
   * of every add and update (its "previous" annotation) and its owner-reference mapper the owner
   * references; an exception there drops the event before it reaches the reconciler. (The name,
   * namespace and resource version are kept by the store itself.)
   */
  private static void framed(ObjectMeta meta) {
    if (meta.getAnnotations() == null) {
      meta.setAnnotations(new LinkedHashMap<>());
    }
    if (meta.getLabels() == null) {
      meta.setLabels(new LinkedHashMap<>());
    }
    if (meta.getOwnerReferences() == null) {
      meta.setOwnerReferences(new ArrayList<>());
    }
    if (meta.getFinalizers() == null) {
      meta.setFinalizers(new ArrayList<>());
    }
  }

  private static void trim(Pod pod) {
    if (pod.getSpec() != null) {
      var spec = new PodSpec();
      var labels = pod.getMetadata().getLabels();
      var migrationPod = labels != null && labels.containsKey(MigrationJob.REVISION_LABEL);
      spec.setContainers(containers(pod.getSpec().getContainers(), migrationPod));
      spec.setSchedulingGates(pod.getSpec().getSchedulingGates());
      pod.setSpec(spec);
    }
    if (pod.getStatus() != null) {
      var status = new PodStatus();
      status.setPhase(pod.getStatus().getPhase());
      status.setContainerStatuses(states(pod.getStatus().getContainerStatuses()));
      status.setInitContainerStatuses(states(pod.getStatus().getInitContainerStatuses()));
      var conditions = pod.getStatus().getConditions();
      status.setConditions(
          conditions == null
              ? null
              : conditions.stream().filter(c -> "PodScheduled".equals(c.getType())).toList());
      pod.setStatus(status);
    }
  }

  /** Each container's name and state: why it waits (a missing Secret), how it ended. */
  private static List<ContainerStatus> states(List<ContainerStatus> containers) {
    return containers == null
        ? null
        : containers.stream()
            .map(
                c -> {
                  var kept = new ContainerStatus();
                  kept.setName(c.getName());
                  kept.setState(c.getState());
                  return kept;
                })
            .toList();
  }

  /** A workload's pod template: its containers' names and images. */
  private static PodTemplateSpec trimmed(PodTemplateSpec template) {
    if (template == null || template.getSpec() == null) {
      return template;
    }
    var pod = new PodSpec();
    pod.setContainers(containers(template.getSpec().getContainers(), false));
    return new PodTemplateSpec(null, pod);
  }

  /** Its Job template's pod template as a workload's, and the Job spec's deadline. */
  private static void trim(CronJob cronJob) {
    var spec = cronJob.getSpec();
    if (spec == null || spec.getJobTemplate() == null || spec.getJobTemplate().getSpec() == null) {
      return;
    }
    var job = spec.getJobTemplate().getSpec();
    var kept = new JobSpec();
    kept.setActiveDeadlineSeconds(job.getActiveDeadlineSeconds());
    kept.setTemplate(trimmed(job.getTemplate()));
    spec.setJobTemplate(new JobTemplateSpec(null, kept));
  }

  /** The entries whose key names a script, as {@link MigrationSource} reads them; null if none. */
  private static Map<String, String> scripts(Map<String, String> entries) {
    if (entries == null || entries.isEmpty()) {
      return null;
    }
    var scripts = new LinkedHashMap<String, String>();
    entries.forEach(
        (key, value) -> {
          if (MigrationSource.isScript(key)) {
            scripts.put(key, value);
          }
        });
    return scripts.isEmpty() ? null : scripts;
  }

  private static List<Container> containers(List<Container> containers, boolean withEnv) {
    if (containers == null) {
      return null;
    }
    return containers.stream()
        .map(
            c -> {
              var kept = new Container();
              kept.setName(c.getName());
              kept.setImage(c.getImage());
              kept.setEnv(withEnv && c.getEnv() != null ? literal(c.getEnv()) : List.of());
              return kept;
            })
        .toList();
  }

  /**
   * Only the runner's literal lock timeout is read: none of the app's variables a command Job's pod
   * inherits, nor any from a Secret or a field (the API server refuses a variable with both, so a
   * kept one has no valueFrom).
   */
  private static List<EnvVar> literal(List<EnvVar> env) {
    return env.stream()
        .filter(e -> LockWatch.LOCK_TIMEOUT.equals(e.getName()) && e.getValue() != null)
        .toList();
  }
}
