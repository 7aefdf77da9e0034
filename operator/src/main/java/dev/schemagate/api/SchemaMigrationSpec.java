package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(
    value = "has(self.flyway) != has(self.command)",
    message =
        "set exactly one of spec.flyway (SQL files in a ConfigMap) or spec.command (your own"
            + " migration image)")
public class SchemaMigrationSpec {
  @Required
  @JsonPropertyDescription(
      "The app's workloads (a Deployment, and any others on the same image) whose pods of a new"
          + " image are held until that image's migration has succeeded.")
  private Target target;

  @Required
  @JsonPropertyDescription(
      "Where the database URL comes from. The operator never reads it; the Job's pod does.")
  private Database database;

  @JsonPropertyDescription("Built-in runner: Flyway applies the .sql files of a ConfigMap.")
  private FlywaySource flyway;

  @JsonPropertyDescription(
      "Any migration tool in any image, e.g. alembic upgrade head in the app's own image.")
  private CommandSource command;

  @JsonPropertyDescription("Limits of the migration Job.")
  private JobSettings job;

  @JsonPropertyDescription(
      "How the migration waits for table locks held by the live app (defaults: timeout 2s,"
          + " retryBudget 10m).")
  private Locks locks;

  @Default("HoldNewPods")
  @JsonPropertyDescription(
      "HoldNewPods (default): the running version keeps serving while the new image's pods are"
          + " held until its migration succeeds. StopOldPods: scale the Deployment to 0 while"
          + " migrating, for migrations the old version cannot survive.")
  private Strategy strategy = Strategy.HoldNewPods;

  @JsonPropertyDescription(
      "The rehearsal of each new revision on a scratch copy of production's schema, before its"
          + " production Job (default: mode Auto, idempotency Warn).")
  private RehearsalSettings rehearsal;

  @Default("Never")
  @JsonPropertyDescription(
      "Never (default), Destructive: a revision whose rehearsal drops or narrows something waits"
          + " for kubectl annotate smig NAME schemagate.dev/approve=<revision>; Always: every"
          + " revision waits for it.")
  private Approval approval = Approval.Never;

  public RehearsalSettings getRehearsal() {
    return rehearsal;
  }

  public void setRehearsal(RehearsalSettings rehearsal) {
    this.rehearsal = rehearsal;
  }

  public Approval getApproval() {
    return approval;
  }

  public void setApproval(Approval approval) {
    this.approval = approval;
  }

  public Target getTarget() {
    return target;
  }

  public void setTarget(Target target) {
    this.target = target;
  }

  public Database getDatabase() {
    return database;
  }

  public void setDatabase(Database database) {
    this.database = database;
  }

  public FlywaySource getFlyway() {
    return flyway;
  }

  public void setFlyway(FlywaySource flyway) {
    this.flyway = flyway;
  }

  public CommandSource getCommand() {
    return command;
  }

  public void setCommand(CommandSource command) {
    this.command = command;
  }

  public Strategy getStrategy() {
    return strategy;
  }

  public void setStrategy(Strategy strategy) {
    this.strategy = strategy;
  }

  public JobSettings getJob() {
    return job;
  }

  public void setJob(JobSettings job) {
    this.job = job;
  }

  public Locks getLocks() {
    return locks;
  }

  public void setLocks(Locks locks) {
    this.locks = locks;
  }
}
