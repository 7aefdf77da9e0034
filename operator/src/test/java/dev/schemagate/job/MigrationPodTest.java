package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.schemagate.Fixtures;
import dev.schemagate.api.Inherit;
import dev.schemagate.api.JobSettings;
import dev.schemagate.api.MigrationPodTemplate;
import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The migration pod derived from the app's pod template: each field in or out, and overrides. */
class MigrationPodTest {
  static final String APP = "registry.example.com/basketball-api:1.8.0";
  static final String RUNNER = "schemagate:0.1.0";

  /** An app as real ones are: settings from its environment, identity, a database proxy. */
  static PodTemplateSpec app() {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(
            Map.of(
                "app", "basketball-api",
                "app.kubernetes.io/name", "basketball-api",
                "sidecar.istio.io/inject", "true",
                "azure.workload.identity/use", "true"))
        .withAnnotations(
            Map.of(
                "vault.hashicorp.com/agent-inject", "true",
                "prometheus.io/scrape", "true",
                "kubectl.kubernetes.io/restartedAt", "2026-12-07T10:00:00Z",
                "kubectl.kubernetes.io/default-container", "api",
                "schemagate.dev/released", "1"))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName("basketball-api")
        .withAutomountServiceAccountToken(true)
        .addNewImagePullSecret("registry-creds")
        .withNodeSelector(Map.of("kubernetes.io/arch", "arm64"))
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey("topology.kubernetes.io/zone")
        .withOperator("In")
        .withValues("eu-west-1a")
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .withNewPodAntiAffinity()
        .addNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector()
        .withMatchLabels(Map.of("app", "basketball-api"))
        .endLabelSelector()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .addNewToleration()
        .withKey("dedicated")
        .withOperator("Equal")
        .withValue("basketball")
        .withEffect("NoSchedule")
        .endToleration()
        .addNewTopologySpreadConstraint()
        .withMaxSkew(1)
        .withTopologyKey("topology.kubernetes.io/zone")
        .withWhenUnsatisfiable("ScheduleAnyway")
        .endTopologySpreadConstraint()
        .withPriorityClassName("business-critical")
        .withRuntimeClassName("gvisor")
        .withSchedulerName("custom-scheduler")
        .withNewOs("linux")
        .addNewHostAlias()
        .withIp("10.0.0.5")
        .withHostnames("db.internal")
        .endHostAlias()
        .withDnsPolicy("None")
        .withNewDnsConfig()
        .withNameservers("10.0.0.2")
        .endDnsConfig()
        .withNewSecurityContext()
        .withRunAsUser(1000L)
        .withFsGroup(2000L)
        .endSecurityContext()
        .withEnableServiceLinks(true)
        .withHostNetwork(true)
        .withHostPID(true)
        .withNodeName("node-7")
        .withHostname("api-0")
        .withSubdomain("api")
        .withTerminationGracePeriodSeconds(90L)
        .withActiveDeadlineSeconds(5L)
        .withRestartPolicy("Always")
        .addNewReadinessGate("example.com/lb-ready")
        .addNewSchedulingGate("example.com/wait")
        .withInitContainers(
            new ContainerBuilder()
                .withName("vault-agent-init")
                .withImage("vault:1.15")
                .addNewVolumeMount()
                .withName("vault-secrets")
                .withMountPath("/vault/secrets")
                .endVolumeMount()
                .build(),
            new ContainerBuilder()
                .withName("cloud-sql-proxy")
                .withImage("cloud-sql-proxy:2")
                .withRestartPolicy("Always")
                .withArgs("--port=5432", "project:region:db")
                .addNewPort()
                .withContainerPort(5432)
                .endPort()
                .withNewStartupProbe()
                .withNewTcpSocket()
                .withNewPort(5432)
                .endTcpSocket()
                .endStartupProbe()
                .build(),
            new ContainerBuilder()
                .withName("collectstatic")
                .withImage(APP)
                .withCommand("python", "manage.py", "collectstatic")
                .addNewVolumeMount()
                .withName("static")
                .withMountPath("/static")
                .endVolumeMount()
                .build())
        .withContainers(
            new ContainerBuilder()
                .withName("api")
                .withImage(APP)
                .withCommand("gunicorn")
                .withArgs("app:wsgi")
                .withWorkingDir("/srv/app")
                .withImagePullPolicy("Always")
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName("basketball-settings")
                .endConfigMapRef()
                .endEnvFrom()
                .addToEnv(
                    new EnvVarBuilder()
                        .withName("SECRET_KEY")
                        .withNewValueFrom()
                        .withNewSecretKeyRef("key", "basketball-secrets", false)
                        .endValueFrom()
                        .build(),
                    new EnvVar("DB_HOST", "127.0.0.1", null),
                    new EnvVar("DJANGO_SETTINGS_MODULE", "basketball.settings", null))
                .addNewVolumeMount()
                .withName("config")
                .withMountPath("/etc/basketball")
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("vault-secrets")
                .withMountPath("/vault/secrets")
                .endVolumeMount()
                .withNewResources()
                .addToRequests("memory", new Quantity("512Mi"))
                .addToLimits("memory", new Quantity("1Gi"))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(false)
                .endSecurityContext()
                .addNewPort()
                .withContainerPort(8000)
                .withHostPort(8000)
                .endPort()
                .withNewLivenessProbe()
                .withNewHttpGet()
                .withPath("/healthz")
                .withNewPort(8000)
                .endHttpGet()
                .endLivenessProbe()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/ready")
                .withNewPort(8000)
                .endHttpGet()
                .endReadinessProbe()
                .withNewLifecycle()
                .withNewPreStop()
                .withNewSleep(5L)
                .endPreStop()
                .endLifecycle()
                .build(),
            new ContainerBuilder().withName("worker").withImage(APP).withCommand("celery").build())
        .withVolumes(volume("config"), volume("vault-secrets"), volume("static"), volume("unused"))
        .endSpec()
        .build();
  }

  static Volume volume(String name) {
    return new io.fabric8.kubernetes.api.model.VolumeBuilder()
        .withName(name)
        .withNewEmptyDir()
        .endEmptyDir()
        .build();
  }

  static PodSpec pod(SchemaMigration migration, Optional<PodTemplateSpec> app) {
    return job(migration, app).getSpec().getTemplate().getSpec();
  }

  static io.fabric8.kubernetes.api.model.batch.v1.Job job(
      SchemaMigration migration, Optional<PodTemplateSpec> app) {
    return MigrationJob.build(migration, "5c1f0a9e2b", APP, RUNNER, app);
  }

  static Container migrate(PodSpec pod) {
    assertThat(pod.getContainers()).hasSize(1);
    return pod.getContainers().get(0);
  }

  static JobSettings settings(SchemaMigration migration) {
    if (migration.getSpec().getJob() == null) {
      migration.getSpec().setJob(new JobSettings());
    }
    return migration.getSpec().getJob();
  }

  /**
   * (field, what the command Job's pod has of it, what it has with the app's template: for a field
   * inherited, the app's; for one left out, what it has without the template)
   */
  static Stream<Arguments> fields() {
    var app = app().getSpec();
    var api = app.getContainers().get(0);
    return Stream.of(
        // In, from the app container.
        in(
            "env: the app's, with ours",
            p -> names(migrate(p).getEnv()),
            List.of(
                "DATABASE_URL", "SECRET_KEY", "DB_HOST", "DJANGO_SETTINGS_MODULE", "PGOPTIONS")),
        in("envFrom", p -> migrate(p).getEnvFrom(), api.getEnvFrom()),
        in("workingDir", p -> migrate(p).getWorkingDir(), "/srv/app"),
        in("resources", p -> migrate(p).getResources(), api.getResources()),
        in("imagePullPolicy", p -> migrate(p).getImagePullPolicy(), "Always"),
        in(
            "container securityContext",
            p -> migrate(p).getSecurityContext(),
            api.getSecurityContext()),
        in(
            "volumeMounts, with our /tmp",
            p -> mountPaths(migrate(p)),
            List.of("/etc/basketball", "/vault/secrets", "/tmp")),
        in("pod securityContext", PodSpec::getSecurityContext, app.getSecurityContext()),
        in("enableServiceLinks", PodSpec::getEnableServiceLinks, true),
        // In, from the pod.
        in("serviceAccountName", PodSpec::getServiceAccountName, "basketball-api"),
        in("automountServiceAccountToken", PodSpec::getAutomountServiceAccountToken, true),
        in("imagePullSecrets", PodSpec::getImagePullSecrets, app.getImagePullSecrets()),
        in("nodeSelector", PodSpec::getNodeSelector, app.getNodeSelector()),
        in(
            "affinity: node affinity only",
            p -> p.getAffinity(),
            new io.fabric8.kubernetes.api.model.Affinity(
                app.getAffinity().getNodeAffinity(), null, null)),
        in("tolerations", PodSpec::getTolerations, app.getTolerations()),
        in(
            "topologySpreadConstraints",
            PodSpec::getTopologySpreadConstraints,
            app.getTopologySpreadConstraints()),
        in("priorityClassName", PodSpec::getPriorityClassName, "business-critical"),
        in("runtimeClassName", PodSpec::getRuntimeClassName, "gvisor"),
        in("schedulerName", PodSpec::getSchedulerName, "custom-scheduler"),
        in("os", PodSpec::getOs, app.getOs()),
        in("hostAliases", PodSpec::getHostAliases, app.getHostAliases()),
        in("dnsPolicy", PodSpec::getDnsPolicy, "None"),
        in("dnsConfig", PodSpec::getDnsConfig, app.getDnsConfig()),
        in(
            "initContainers: up to the last native sidecar",
            p -> names(p.getInitContainers()),
            List.of("vault-agent-init", "cloud-sql-proxy")),
        in(
            "native sidecar as it is",
            p -> p.getInitContainers().size() > 1 ? p.getInitContainers().get(1) : null,
            app.getInitContainers().get(1)),
        in(
            "volumes: the pod's and those the inherited containers mount",
            p -> p.getVolumes().stream().map(Volume::getName).toList(),
            List.of("schemagate-tmp", "config", "vault-secrets")),
        // Out.
        out("other containers", p -> names(p.getContainers()), List.of("migrate")),
        out("command", p -> migrate(p).getCommand(), List.of("alembic")),
        out("args", p -> migrate(p).getArgs(), List.of("upgrade", "head")),
        out("image", p -> migrate(p).getImage(), APP),
        out("ports", p -> migrate(p).getPorts(), List.of()),
        out("livenessProbe", p -> migrate(p).getLivenessProbe(), null),
        out("readinessProbe", p -> migrate(p).getReadinessProbe(), null),
        out("lifecycle", p -> migrate(p).getLifecycle(), null),
        out("restartPolicy", PodSpec::getRestartPolicy, "Never"),
        out("hostNetwork", PodSpec::getHostNetwork, null),
        out("hostPID", PodSpec::getHostPID, null),
        out("nodeName", PodSpec::getNodeName, null),
        out("hostname", PodSpec::getHostname, null),
        out("subdomain", PodSpec::getSubdomain, null),
        out("terminationGracePeriodSeconds", PodSpec::getTerminationGracePeriodSeconds, null),
        out("activeDeadlineSeconds", PodSpec::getActiveDeadlineSeconds, null),
        out("readinessGates", PodSpec::getReadinessGates, List.of()),
        out("schedulingGates", PodSpec::getSchedulingGates, List.of()),
        out(
            "terminationMessagePolicy: ours",
            p -> migrate(p).getTerminationMessagePolicy(),
            "FallbackToLogsOnError"));
  }

  static Arguments in(String field, Function<PodSpec, Object> read, Object expected) {
    return Arguments.of(field, read, expected, true);
  }

  static Arguments out(String field, Function<PodSpec, Object> read, Object expected) {
    return Arguments.of(field, read, expected, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void aCommandJobsPodIsTheAppsWithTheCommandReplaced(
      String field, Function<PodSpec, Object> read, Object expected, boolean inherited) {
    var derived = read.apply(pod(Fixtures.commandMigration(), Optional.of(app())));
    assertThat(derived).as(field).isEqualTo(expected);
    var own = read.apply(pod(Fixtures.commandMigration(), Optional.empty()));
    if (inherited) {
      assertThat(own).as(field + " without the template").isNotEqualTo(expected);
    } else {
      assertThat(own).as(field + " is the same without the template").isEqualTo(derived);
    }
  }

  @Test
  void labelsAreThoseOfInjectionAndAnnotationsAllButKubectlsAndOurs() {
    var template = job(Fixtures.commandMigration(), Optional.of(app())).getSpec().getTemplate();
    assertThat(template.getMetadata().getLabels())
        .containsEntry("sidecar.istio.io/inject", "true")
        .containsEntry("azure.workload.identity/use", "true")
        .containsEntry("app.kubernetes.io/name", "schemagate")
        .containsEntry("app.kubernetes.io/managed-by", "schemagate")
        .doesNotContainKey("app");
    assertThat(template.getMetadata().getAnnotations())
        .containsOnlyKeys("vault.hashicorp.com/agent-inject", "prometheus.io/scrape");
  }

  @Test
  void theFlywayRunnerTakesThePodLevelPartOnly() {
    var pod = pod(Fixtures.flywayMigration(), Optional.of(app()));
    var runner = migrate(pod);
    assertThat(runner.getImage()).isEqualTo(RUNNER);
    assertThat(names(runner.getEnv())).doesNotContain("SECRET_KEY", "DB_HOST");
    assertThat(runner.getEnvFrom()).isEmpty();
    assertThat(runner.getResources()).isNull();
    assertThat(runner.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(mountPaths(runner)).containsExactly("/tmp", "/migrations");
    // Its own user: the operator's image is built for it.
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo((long) MigrationJob.NON_ROOT_UID);
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo("basketball-api");
    assertThat(pod.getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("registry-creds");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/arch", "arm64");
    assertThat(pod.getTolerations()).hasSize(1);
    assertThat(names(pod.getInitContainers()))
        .containsExactly("vault-agent-init", "cloud-sql-proxy");
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .containsExactly("schemagate-tmp", "schemagate-migrations", "vault-secrets");
  }

  @Test
  void theDefaultAccountsTokenIsNotMountedWhereNothingOfTheAppsNeedsIt() {
    var template = app();
    template.getSpec().setServiceAccountName("default");
    template.getSpec().setInitContainers(List.of());
    assertThat(
            pod(Fixtures.commandMigration(), Optional.of(template))
                .getAutomountServiceAccountToken())
        .isFalse();
    template.getSpec().setServiceAccountName(null);
    assertThat(
            pod(Fixtures.flywayMigration(), Optional.of(template))
                .getAutomountServiceAccountToken())
        .isFalse();
    // A sidecar may log in with it (a Vault agent's Kubernetes auth).
    assertThat(
            pod(Fixtures.flywayMigration(), Optional.of(app())).getAutomountServiceAccountToken())
        .isTrue();
  }

  @Test
  void inheritNoneIsOurOwnPod() {
    var migration = Fixtures.commandMigration();
    settings(migration).setInherit(Inherit.None);
    assertThat(job(migration, Optional.of(app())))
        .isEqualTo(job(Fixtures.commandMigration(), Optional.empty()));
  }

  @Test
  void theSpecsDatabaseUrlReplacesTheAppsInPlace() {
    var template = app();
    template
        .getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            List.of(
                new EnvVar("DB_NAME", "basketball", null),
                new EnvVar("DATABASE_URL", "postgresql://app@127.0.0.1/basketball", null),
                new EnvVar("SQLALCHEMY_URL", "$(DATABASE_URL)", null)));
    var env = migrate(pod(Fixtures.commandMigration(), Optional.of(template))).getEnv();
    assertThat(names(env))
        .containsExactly("DB_NAME", "DATABASE_URL", "SQLALCHEMY_URL", "PGOPTIONS");
    var url = env.get(1);
    assertThat(url.getValue()).isNull();
    assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("basketball-db");
  }

  @Test
  void anAppsLiteralPgoptionsKeepsItsOptionsWithOurLockTimeoutAfter() {
    var template = app();
    template
        .getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            List.of(
                new EnvVar("PGOPTIONS", "-c search_path=basketball -c lock_timeout=60s", null),
                new EnvVar("DB_HOST", "db", null)));
    assertThat(migrate(pod(Fixtures.commandMigration(), Optional.of(template))).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("DATABASE_URL", null),
            tuple(
                "PGOPTIONS",
                "-c search_path=basketball -c lock_timeout=60s -c lock_timeout=2000ms"),
            tuple("DB_HOST", "db"));
  }

  @Test
  void anAppsPgoptionsFromASecretIsExtendedThroughAVariableOfItsOwn() {
    var template = app();
    var fromSecret =
        new EnvVarBuilder()
            .withName("PGOPTIONS")
            .withNewValueFrom()
            .withNewSecretKeyRef("pgoptions", "basketball-secrets", false)
            .endValueFrom()
            .build();
    template.getSpec().getContainers().get(0).setEnv(List.of(fromSecret));
    var env = migrate(pod(Fixtures.commandMigration(), Optional.of(template))).getEnv();
    assertThat(names(env)).containsExactly("DATABASE_URL", "SCHEMAGATE_APP_PGOPTIONS", "PGOPTIONS");
    assertThat(env.get(1).getValueFrom()).isEqualTo(fromSecret.getValueFrom());
    assertThat(env.get(2).getValue())
        .isEqualTo("$(SCHEMAGATE_APP_PGOPTIONS) -c lock_timeout=2000ms");
  }

  @Test
  void anAppThatMountsTmpKeepsItsOwn() {
    var template = app();
    template
        .getSpec()
        .getContainers()
        .get(0)
        .setVolumeMounts(
            List.of(
                new io.fabric8.kubernetes.api.model.VolumeMount(
                    "/tmp", null, "scratch", null, null, null, null)));
    template.getSpec().setVolumes(List.of(volume("scratch")));
    var pod = pod(Fixtures.commandMigration(), Optional.of(template));
    assertThat(migrate(pod).getVolumeMounts())
        .extracting(VolumeMount::getName)
        .containsExactly("scratch");
    assertThat(pod.getVolumes()).extracting(Volume::getName).containsExactly("scratch");
  }

  @Test
  void anAppWithoutSecuritySettingsRunsWithOurs() {
    var template = app();
    template.getSpec().setSecurityContext(null);
    template.getSpec().getContainers().get(0).setSecurityContext(null);
    var pod = pod(Fixtures.commandMigration(), Optional.of(template));
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(migrate(pod).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  void thePodTemplateOverridesWhatIsInherited() {
    var migration = Fixtures.commandMigration();
    var override = new MigrationPodTemplate();
    var metadata = new MigrationPodTemplate.Metadata();
    metadata.setLabels(Map.of("sidecar.istio.io/inject", "false", "team", "basketball"));
    metadata.setAnnotations(Map.of("vault.hashicorp.com/agent-inject", "false"));
    override.setMetadata(metadata);
    var patch = new LinkedHashMap<String, Object>();
    patch.put(
        "containers",
        List.of(
            Map.of(
                "name",
                "migrate",
                "resources",
                Map.of("limits", Map.of("memory", "768Mi")),
                "env",
                List.of(
                    Map.of(
                        "name", "DJANGO_SETTINGS_MODULE", "value", "basketball.settings.migrate"),
                    Map.of("name", "DB_HOST", "$patch", "delete"),
                    Map.of("name", "EXTRA", "value", "1")))));
    patch.put("initContainers", List.of(Map.of("name", "vault-agent-init", "$patch", "delete")));
    patch.put("nodeSelector", null);
    patch.put("tolerations", List.of());
    patch.put("serviceAccountName", "basketball-migrator");
    override.setSpec(patch);
    settings(migration).setPodTemplate(override);

    var template = job(migration, Optional.of(app())).getSpec().getTemplate();
    assertThat(template.getMetadata().getLabels())
        .containsEntry("sidecar.istio.io/inject", "false")
        .containsEntry("team", "basketball")
        .containsEntry("app.kubernetes.io/managed-by", "schemagate");
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry("vault.hashicorp.com/agent-inject", "false");
    var pod = template.getSpec();
    var migrate = migrate(pod);
    assertThat(migrate.getResources().getLimits()).containsEntry("memory", new Quantity("768Mi"));
    // Objects merge field by field: the app's requests stay where the patch sets none.
    assertThat(migrate.getResources().getRequests()).containsEntry("memory", new Quantity("512Mi"));
    assertThat(migrate.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("DATABASE_URL", null),
            tuple("SECRET_KEY", null),
            tuple("DJANGO_SETTINGS_MODULE", "basketball.settings.migrate"),
            tuple("PGOPTIONS", "-c lock_timeout=2000ms"),
            tuple("EXTRA", "1"));
    assertThat(migrate.getCommand()).containsExactly("alembic");
    assertThat(names(pod.getInitContainers())).containsExactly("cloud-sql-proxy");
    assertThat(pod.getNodeSelector()).isNullOrEmpty();
    assertThat(pod.getTolerations()).isEmpty();
    assertThat(pod.getServiceAccountName()).isEqualTo("basketball-migrator");
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void theOverrideAppliesWithoutInheritanceToo() {
    var migration = Fixtures.flywayMigration();
    settings(migration).setInherit(Inherit.None);
    var override = new MigrationPodTemplate();
    override.setSpec(Map.of("imagePullSecrets", List.of(Map.of("name", "operator-registry"))));
    settings(migration).setPodTemplate(override);
    var pod = pod(migration, Optional.of(app()));
    assertThat(pod.getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("operator-registry");
    assertThat(pod.getServiceAccountName()).isNull();
  }

  @Test
  void sameTemplateSameJob() {
    assertThat(job(Fixtures.commandMigration(), Optional.of(app())))
        .isEqualTo(job(Fixtures.commandMigration(), Optional.of(app())));
  }

  private static List<String> names(List<?> items) {
    if (items == null) {
      return null;
    }
    return items.stream()
        .map(i -> i instanceof EnvVar e ? e.getName() : ((Container) i).getName())
        .toList();
  }

  private static List<String> mountPaths(Container c) {
    return c.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
  }
}
