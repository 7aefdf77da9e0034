package dev.schemagate.job;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the migration pod takes from the app's pod template: the app's pod with the command
 * replaced. A migration in the app's image needs what the app needs to start (its settings, its
 * identity, its pull secrets, its node, its database proxy); what only serving needs, or what would
 * keep a Job from ending, stays out. Pure.
 *
 * <p>In, from the app container (a command in the app's image only): env and envFrom (settings),
 * volumeMounts and the volumes they use (mounted settings, certificates), workingDir, resources,
 * imagePullPolicy and the security context with the pod's (the image runs as the user it was built
 * for), enableServiceLinks (the app's environment as the kubelet makes it). In, from the pod
 * (either source): serviceAccountName and, where the app has an account of its own or a sidecar,
 * automountServiceAccountToken (cloud identity is a projected token of the service account; a Vault
 * agent logs in with it), imagePullSecrets, nodeSelector, node affinity, tolerations,
 * topologySpreadConstraints, priorityClassName, runtimeClassName, schedulerName, os, hostAliases,
 * dnsPolicy and dnsConfig (where the database is, how it resolves), native sidecars (init
 * containers with restartPolicy Always, e.g. a database proxy) with the init containers before
 * them, and the labels and annotations that configure injection.
 *
 * <p>Out: the app's other containers (a server never ends, so neither would the Job), ports
 * (nothing is served; a hostPort would collide with the app's pod), probes and lifecycle hooks (a
 * liveness probe would kill a long migration; readiness is for traffic), the app's command and args
 * (spec.command's), init containers after the last native sidecar (the app's own start-up steps,
 * often its migration), pod affinity and anti-affinity (they place the app against its own
 * replicas: a required anti-affinity would keep the migration pod off every node the app runs on),
 * restartPolicy (Never: the Job retries), hostNetwork, hostPID, hostIPC, nodeName, hostname and
 * subdomain (a serving pod's place and identity), terminationGracePeriodSeconds,
 * activeDeadlineSeconds (the Job's deadline rules), readinessGates, schedulingGates and labels but
 * those of injection (a Service, PodDisruptionBudget or HPA selects the app's pods by them, and
 * would count or route to the migration pod).
 */
final class AppPod {
  static final String DATABASE_URL = "DATABASE_URL";
  static final String PGOPTIONS = "PGOPTIONS";

  /** Where an app's own PGOPTIONS from a Secret or ConfigMap goes, for ours to extend it. */
  static final String APP_PGOPTIONS = "SCHEMAGATE_APP_PGOPTIONS";

  /**
   * Label keys (by prefix) that configure what an admission webhook injects or grants, and not what
   * selects the app's pods: a mesh, a secrets agent, workload identity, an APM agent.
   */
  static final List<String> INJECTION_LABEL_PREFIXES =
      List.of(
          "sidecar.istio.io/",
          "istio.io/",
          "linkerd.io/",
          "kuma.io/",
          "consul.hashicorp.com/",
          "vault.hashicorp.com/",
          "azure.workload.identity/",
          "admission.datadoghq.com/",
          "tags.datadoghq.com/");

  /**
   * Annotation keys (by prefix) not inherited: kubectl's (the restart stamp, a default container
   * the migration pod lacks) and ours (the gate's release stamps). Every other annotation is: an
   * annotation selects nothing, and those of a pod template are nearly all injection settings
   * (Vault, Linkerd, Istio, Datadog, Prometheus scraping).
   */
  static final List<String> ANNOTATION_PREFIXES_NOT_INHERITED =
      List.of("kubectl.kubernetes.io/", "schemagate.dev/");

  private AppPod() {}

  /** The app container: the one spec.target.container names, else the first. */
  static Optional<Container> appContainer(PodSpec app, String container) {
    return orEmpty(app.getContainers()).stream()
        .filter(c -> container == null || container.equals(c.getName()))
        .findFirst();
  }

  /**
   * The pod-level part of the app's pod, onto {@code pod}: identity, pull secrets, scheduling, DNS,
   * native sidecars and the volumes they mount.
   */
  static void inheritPod(PodSpec pod, PodSpec app) {
    var init = nativeSidecarsAndTheirInits(app.getInitContainers());
    var serviceAccount = app.getServiceAccountName();
    pod.setServiceAccountName(serviceAccount);
    // The token as the app has it where the app has an identity of its own or a sidecar (a Vault
    // agent logs in with it): the namespace's default account's token is needed by nothing here.
    if ((serviceAccount != null && !serviceAccount.equals("default")) || !init.isEmpty()) {
      pod.setAutomountServiceAccountToken(app.getAutomountServiceAccountToken());
    }
    pod.setImagePullSecrets(app.getImagePullSecrets());
    pod.setNodeSelector(app.getNodeSelector());
    pod.setAffinity(
        app.getAffinity() == null || app.getAffinity().getNodeAffinity() == null
            ? null
            : new Affinity(app.getAffinity().getNodeAffinity(), null, null));
    pod.setTolerations(app.getTolerations());
    pod.setTopologySpreadConstraints(app.getTopologySpreadConstraints());
    pod.setPriorityClassName(app.getPriorityClassName());
    pod.setRuntimeClassName(app.getRuntimeClassName());
    pod.setSchedulerName(app.getSchedulerName());
    pod.setOs(app.getOs());
    pod.setHostAliases(app.getHostAliases());
    pod.setDnsPolicy(app.getDnsPolicy());
    pod.setDnsConfig(app.getDnsConfig());
    pod.setInitContainers(init.isEmpty() ? null : init);
    addVolumes(pod, app, init.stream());
  }

  /**
   * The app container's part, onto {@code migration} (the migration's container, with its own
   * DATABASE_URL and PGOPTIONS) and {@code pod}: the app's environment, mounts, resources and
   * security.
   */
  static void inheritContainer(PodSpec pod, Container migration, PodSpec app, Container container) {
    migration.setEnv(env(orEmpty(container.getEnv()), orEmpty(migration.getEnv())));
    migration.setEnvFrom(container.getEnvFrom());
    migration.setWorkingDir(container.getWorkingDir());
    migration.setResources(container.getResources());
    migration.setImagePullPolicy(container.getImagePullPolicy());
    var appMounts = orEmpty(container.getVolumeMounts());
    var mounts = new ArrayList<>(appMounts);
    // Our writable /tmp only where the app mounts nothing there.
    var dropped = new LinkedHashSet<String>();
    for (var m : orEmpty(migration.getVolumeMounts())) {
      if (appMounts.stream().anyMatch(a -> a.getMountPath().equals(m.getMountPath()))) {
        dropped.add(m.getName());
      } else {
        mounts.add(m);
      }
    }
    migration.setVolumeMounts(mounts);
    pod.setVolumes(
        new ArrayList<>(
            orEmpty(pod.getVolumes()).stream()
                .filter(v -> !dropped.contains(v.getName()))
                .toList()));
    addVolumes(pod, app, Stream.of(container));
    // The app's security as a whole, where it has any: a part of ours with a part of its could run
    // its image as a user it was not built for.
    if (app.getSecurityContext() != null || container.getSecurityContext() != null) {
      pod.setSecurityContext(app.getSecurityContext());
      migration.setSecurityContext(container.getSecurityContext());
    }
    pod.setEnableServiceLinks(app.getEnableServiceLinks());
  }

  /**
   * The app's variables with ours: our DATABASE_URL in place of the app's (the spec says which
   * database), else first, so that the app's variables that refer to it with $(DATABASE_URL) get
   * ours; an app's PGOPTIONS keeps its options, with ours after them (libpq reads the last -c of a
   * setting).
   */
  static List<EnvVar> env(List<EnvVar> app, List<EnvVar> ours) {
    var byName = new LinkedHashMap<String, EnvVar>();
    ours.forEach(e -> byName.put(e.getName(), e));
    var url = byName.remove(DATABASE_URL);
    var options = byName.remove(PGOPTIONS);
    var env = new ArrayList<EnvVar>();
    if (url != null && app.stream().noneMatch(e -> DATABASE_URL.equals(e.getName()))) {
      env.add(url);
    }
    for (var e : app) {
      if (DATABASE_URL.equals(e.getName()) && url != null) {
        env.add(url);
      } else if (PGOPTIONS.equals(e.getName()) && options != null) {
        if (e.getValueFrom() != null) {
          env.add(new EnvVarBuilder(e).withName(APP_PGOPTIONS).build());
          env.add(new EnvVar(PGOPTIONS, "$(" + APP_PGOPTIONS + ") " + options.getValue(), null));
        } else {
          var own = Objects.requireNonNullElse(e.getValue(), "").strip();
          env.add(
              new EnvVar(
                  PGOPTIONS,
                  own.isEmpty() ? options.getValue() : own + " " + options.getValue(),
                  null));
        }
        options = null;
      } else if (!byName.containsKey(e.getName())) {
        env.add(e);
      }
    }
    if (options != null) {
      env.add(options);
    }
    env.addAll(byName.values());
    return env;
  }

  /** The init containers up to the last native sidecar: it may need those before it. */
  static List<Container> nativeSidecarsAndTheirInits(List<Container> init) {
    var containers = orEmpty(init);
    int last = -1;
    for (int i = 0; i < containers.size(); i++) {
      if ("Always".equals(containers.get(i).getRestartPolicy())) {
        last = i;
      }
    }
    return List.copyOf(containers.subList(0, last + 1));
  }

  /** The pod template's labels that configure injection; none that select the app's pods. */
  static Map<String, String> labels(PodTemplateSpec app) {
    return filter(
        app.getMetadata() == null ? null : app.getMetadata().getLabels(),
        key -> INJECTION_LABEL_PREFIXES.stream().anyMatch(key::startsWith));
  }

  /** The pod template's annotations but kubectl's and ours. */
  static Map<String, String> annotations(PodTemplateSpec app) {
    return filter(
        app.getMetadata() == null ? null : app.getMetadata().getAnnotations(),
        key -> ANNOTATION_PREFIXES_NOT_INHERITED.stream().noneMatch(key::startsWith));
  }

  private static Map<String, String> filter(Map<String, String> map, Predicate<String> keep) {
    var kept = new LinkedHashMap<String, String>();
    if (map != null) {
      map.forEach(
          (k, v) -> {
            if (keep.test(k)) {
              kept.put(k, v);
            }
          });
    }
    return kept;
  }

  /** The app's volumes that {@code containers} mount, after the pod's own (names unique). */
  private static void addVolumes(PodSpec pod, PodSpec app, Stream<Container> containers) {
    Set<String> used = new LinkedHashSet<>();
    containers.forEach(
        c -> orEmpty(c.getVolumeMounts()).stream().map(VolumeMount::getName).forEach(used::add));
    var volumes = new ArrayList<>(orEmpty(pod.getVolumes()));
    orEmpty(app.getVolumes()).stream()
        .filter(v -> used.contains(v.getName()))
        .filter(v -> volumes.stream().map(Volume::getName).noneMatch(v.getName()::equals))
        .forEach(volumes::add);
    pod.setVolumes(volumes);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
