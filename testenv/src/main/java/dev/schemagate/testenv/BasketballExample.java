package dev.schemagate.testenv;

import dev.schemagate.api.ConfigMapRef;
import dev.schemagate.api.Database;
import dev.schemagate.api.FlywaySource;
import dev.schemagate.api.SchemaMigration;
import dev.schemagate.api.SchemaMigrationSpec;
import dev.schemagate.api.SecretKeyRef;
import dev.schemagate.api.Target;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * examples/basketball-api as `kubectl kustomize` renders it, made to run here: the Secret points at
 * a local database, scripts can be swapped (the broken 008), and it is applied as a user would.
 */
public final class BasketballExample {
  public static final String NAMESPACE = "basketball";
  public static final String NAME = "basketball-api";
  public static final String V8 = "V8__add_team_model.sql";

  /** The repository of the app's image, run by the web (deployment.yaml) and the worker. */
  static final String IMAGE_REPOSITORY = "basketball-api";

  /** The worker's Deployment (worker.yaml): the same image, gated by the same SchemaMigration. */
  public static final String WORKER = "basketball-worker";

  /** The worker's app container in worker.yaml. */
  public static final String WORKER_CONTAINER = "worker";

  /** The app's container in deployment.yaml. */
  public static final String APP_CONTAINER = "api";

  /** The Secret whose key {@code url} is the database's URL. */
  public static final String DATABASE_SECRET = "basketball-db";

  /** The ConfigMap of the Flyway scripts. */
  public static final String MIGRATIONS = "basketball-migrations";

  /** The ConfigMap of the app's settings, the app container's envFrom. */
  public static final String SETTINGS = "basketball-settings";

  /**
   * The app's settings as a developer's shell has them, for running the example's Alembic outside a
   * pod: its env.py imports settings.py, which needs them.
   */
  public static final Map<String, String> SETTINGS_ENV =
      Map.of("BASKETBALL_TENANT", "westside", "BASKETBALL_SECRET_KEY", "local");

  /** The gate first, the app last. */
  private static final List<String> ORDER =
      List.of("Namespace", "Secret", "ConfigMap", "SchemaMigration", "Deployment");

  private BasketballExample() {}

  /**
   * A Flyway SchemaMigration named after, and targeting, the Deployment {@code app}, as the
   * example's.
   */
  public static SchemaMigration migration(String namespace, String app, String configMap) {
    return flywayMigration(namespace, app, configMap, DATABASE_SECRET);
  }

  /**
   * A Flyway SchemaMigration named after, and targeting, the Deployment {@code app}: its scripts in
   * the ConfigMap {@code configMap}, its database URL in the key {@code url} of the Secret {@code
   * urlSecret}. The one builder of test SchemaMigrations (the example's, the bench's, chaos').
   */
  public static SchemaMigration flywayMigration(
      String namespace, String app, String configMap, String urlSecret) {
    var spec = new SchemaMigrationSpec();
    spec.setTarget(new Target(app));
    var database = new Database();
    database.setUrlSecretRef(new SecretKeyRef(urlSecret, "url"));
    spec.setDatabase(database);
    var flyway = new FlywaySource();
    flyway.setConfigMapRef(new ConfigMapRef(configMap));
    spec.setFlyway(flyway);
    var migration = new SchemaMigration();
    migration.getMetadata().setName(app);
    migration.getMetadata().setNamespace(namespace);
    migration.setSpec(spec);
    return migration;
  }

  private static String name(HasMetadata item) {
    return item.getMetadata().getName();
  }

  public static Path dir() {
    return Binaries.repoRoot().resolve("examples/basketball-api");
  }

  /**
   * The app's releases: an image, and the Flyway scripts shipped with it. 1.8.1 is the example as
   * it stands (the fixed 008).
   */
  public enum Release {
    /** Before the teams model: V1..V7. */
    V1_7("basketball-api:1.7"),
    /** 008 as it crashed basketball-api: CREATE TYPE division, a second time. */
    V1_8("basketball-api:1.8"),
    /** 008 fixed (idempotent SQL). */
    V1_8_1("basketball-api:1.8.1");

    public final String image;

    Release(String image) {
      this.image = image;
    }

    Map<String, String> scripts(Map<String, String> example) {
      var scripts = new TreeMap<>(example);
      switch (this) {
        case V1_7 -> scripts.remove(V8);
        case V1_8 -> scripts.put(V8, brokenV8());
        case V1_8_1 -> {}
      }
      return scripts;
    }
  }

  public static String brokenV8() {
    try {
      return Files.readString(dir().resolve("broken-008").resolve(V8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Renders the example for {@code namespace} with the database at {@code url} as of {@code
   * release} (the Deployment's image and the ConfigMap's scripts), lets {@code edit} change any
   * item, and applies it (server-side apply).
   */
  public static List<HasMetadata> apply(
      KubernetesClient client,
      String namespace,
      String url,
      Release release,
      Consumer<HasMetadata> edit) {
    var rendered = Kubectl.run(null, null, "kustomize", dir().toString());
    var items =
        new ArrayList<>(
            client
                .load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)))
                .items());
    items.removeIf(i -> i.getKind().equals("Namespace") && !namespace.equals(NAMESPACE));
    for (var item : items) {
      if (!item.getKind().equals("Namespace")) {
        item.getMetadata().setNamespace(namespace);
      }
      if (item instanceof Secret secret && DATABASE_SECRET.equals(name(item))) {
        secret.setStringData(Map.of("url", url));
      }
      if (item instanceof ConfigMap configMap && MIGRATIONS.equals(name(item))) {
        configMap.setData(release.scripts(configMap.getData()));
      }
      if (item instanceof Deployment deployment) {
        // The web's and the worker's: a release is one image for both.
        deployment.getSpec().getTemplate().getSpec().getContainers().stream()
            .filter(c -> c.getImage().startsWith(IMAGE_REPOSITORY + ":"))
            .forEach(c -> c.setImage(release.image));
      }
      edit.accept(item);
    }
    items.sort(Comparator.comparingInt(i -> ORDER.indexOf(i.getKind())));
    items.forEach(item -> client.resource(item).forceConflicts().serverSideApply());
    return items;
  }
}
