package dev.schemagate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.SchemaMigration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two SchemaMigrations of one database (the same Secret and key) that got in together, with no
 * admission policy to refuse the second: the operator's backstop lets the oldest (then the first by
 * name) migrate, stalls the other with DatabaseClaimedByOther, and their Jobs never overlap; the
 * other takes over once the first is gone.
 */
@ExtendWith(Scenario.PerTest.class)
class OneMigrationPerDatabaseIT {
  static final String WEB = "web";
  static final String WORKER = "worker";

  @Test
  void twoCreatedInTheSameInstantMigrateOneAfterTheOtherNeverAtOnce(Scenario s) throws Exception {
    s.startOperator();
    s.putMigrations(Scenario.V1);
    s.createDeployment(WEB);
    s.createDeployment(WORKER);
    List<SchemaMigration> created;
    var bindings = oneMigrationPerDatabaseBindings(s);
    setActions(s, bindings, List.of("Warn"));
    try {
      created = createTogether(s, WEB, WORKER);
    } finally {
      setActions(s, bindings, List.of("Deny"));
    }
    var first =
        created.stream()
            .min(
                Comparator.comparing((SchemaMigration m) -> m.getMetadata().getCreationTimestamp())
                    .thenComparing(m -> m.getMetadata().getName()))
            .orElseThrow()
            .getMetadata()
            .getName();
    var second = first.equals(WEB) ? WORKER : WEB;
    System.out.printf(
        "[one per database] created: %s%n",
        created.stream()
            .map(m -> m.getMetadata().getName() + "@" + m.getMetadata().getCreationTimestamp())
            .toList());

    var stalled = s.awaitTrue(second, "Stalled", "DatabaseClaimedByOther");
    assertThat(stalled.getMessage())
        .startsWith(
            "database Secret %s key %s is migrated by SchemaMigration %s already"
                .formatted(Scenario.DB_SECRET, Scenario.DB_KEY, first));
    var firstJob = await().atMost(Scenario.TIMEOUT).until(() -> s.jobs(first), j -> j.size() == 1);
    assertThat(s.jobs(second)).isEmpty();
    s.succeed(firstJob.get(0));
    s.awaitTrue(first, "Ready", "Migrated");
    var firstRun = finished(s, firstJob.get(0).getMetadata().getName());
    assertThat(s.jobs(second)).as("no Job while the first claims the database").isEmpty();

    // The first deleted, the second migrates within its recheck.
    s.client.resource(s.migration(first)).delete();
    var secondJob =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> s.jobs(second), j -> j.size() == 1)
            .get(0);
    s.succeed(secondJob);
    s.awaitTrue(second, "Ready", "Migrated");
    var secondRun = finished(s, secondJob.getMetadata().getName());

    System.out.printf(
        "[one per database] %s Job %s ran %s .. %s; %s Job %s ran %s .. %s%n",
        first,
        firstRun.getMetadata().getName(),
        firstRun.getStatus().getStartTime(),
        firstRun.getStatus().getCompletionTime(),
        second,
        secondRun.getMetadata().getName(),
        secondRun.getStatus().getStartTime(),
        secondRun.getStatus().getCompletionTime());
    assertThat(Instant.parse(secondRun.getStatus().getStartTime()))
        .as("the second run starts after the first ended")
        .isAfterOrEqualTo(Instant.parse(firstRun.getStatus().getCompletionTime()));
  }

  /** Both created by two threads let go at the same moment. */
  static List<SchemaMigration> createTogether(Scenario s, String... names) throws Exception {
    var go = new CountDownLatch(1);
    var creates =
        List.of(names).stream()
            .map(
                name ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          var m = Scenario.migrationFor(s.namespace, name, Scenario.MIGRATIONS);
                          try {
                            go.await();
                          } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                          }
                          return s.createMigration(m);
                        }))
            .toList();
    go.countDown();
    return creates.stream().map(CompletableFuture::join).toList();
  }

  /** The Job once its status has both ends of the run. */
  static Job finished(Scenario s, String name) {
    return await()
        .atMost(Scenario.TIMEOUT)
        .until(
            () -> s.client.batch().v1().jobs().inNamespace(s.namespace).withName(name).get(),
            j -> j.getStatus() != null && j.getStatus().getCompletionTime() != null);
  }

  /** The chart's policy that refuses a second SchemaMigration of a database, where it has one. */
  static List<String> oneMigrationPerDatabaseBindings(Scenario s) {
    return s
        .client
        .admissionRegistration()
        .v1()
        .validatingAdmissionPolicyBindings()
        .list()
        .getItems()
        .stream()
        .map(b -> b.getMetadata().getName())
        .filter(n -> n.endsWith("-one-per-database"))
        .toList();
  }

  static void setActions(Scenario s, List<String> bindings, List<String> actions) {
    for (var binding : bindings) {
      s.client
          .admissionRegistration()
          .v1()
          .validatingAdmissionPolicyBindings()
          .withName(binding)
          .edit(
              (ValidatingAdmissionPolicyBinding b) -> {
                b.getSpec().setValidationActions(actions);
                return b;
              });
    }
    if (!bindings.isEmpty()) {
      // The API server's policy cache follows a binding within about a second.
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
