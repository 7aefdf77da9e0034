package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** status.rehearsal: what the wanted revision's rehearsal found. Lists are capped. */
public class RehearsalStatus {
  public static final String RUNNING = "Running";
  public static final String PASSED = "Passed";
  public static final String FAILED = "Failed";
  public static final String SKIPPED = "Skipped";
  public static final String WAITING_FOR_APPROVAL = "WaitingForApproval";

  @JsonPropertyDescription("The revision rehearsed.")
  private String revision;

  @JsonPropertyDescription("The rehearsal's Job (kept for its logs).")
  private String job;

  @JsonPropertyDescription(
      "Running, Passed, Failed, Skipped (it could not run: see cause) or WaitingForApproval.")
  private String result;

  @JsonPropertyDescription("How long the rehearsal took, copy included.")
  private Double durationSeconds;

  @JsonPropertyDescription("The migration (script) that failed, on the run or the re-run.")
  private String failingStatement;

  @JsonPropertyDescription("The failure's SQLSTATE, when the server gave one.")
  private String sqlState;

  @JsonPropertyDescription("Why it failed or was skipped, in one line.")
  private String cause;

  @JsonPropertyDescription(
      "Passed, Failed (it failed when run again on its own result) or Off: the re-run that proves"
          + " the migration can be retried after a partial failure.")
  private String idempotency;

  @JsonPropertyDescription("The schema changes it made (the first ones; see moreChanges).")
  private List<RehearsalChange> changes = new ArrayList<>();

  @JsonPropertyDescription("How many changes are not listed.")
  private Integer moreChanges;

  @JsonPropertyDescription(
      "The strongest lock it took on each table that existed before: what the app would wait"
          + " for.")
  private Map<String, String> locks = new LinkedHashMap<>();

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public Double getDurationSeconds() {
    return durationSeconds;
  }

  public void setDurationSeconds(Double durationSeconds) {
    this.durationSeconds = durationSeconds;
  }

  public String getFailingStatement() {
    return failingStatement;
  }

  public void setFailingStatement(String failingStatement) {
    this.failingStatement = failingStatement;
  }

  public String getSqlState() {
    return sqlState;
  }

  public void setSqlState(String sqlState) {
    this.sqlState = sqlState;
  }

  public String getCause() {
    return cause;
  }

  public void setCause(String cause) {
    this.cause = cause;
  }

  public String getIdempotency() {
    return idempotency;
  }

  public void setIdempotency(String idempotency) {
    this.idempotency = idempotency;
  }

  public List<RehearsalChange> getChanges() {
    return changes;
  }

  public void setChanges(List<RehearsalChange> changes) {
    this.changes = changes;
  }

  public Integer getMoreChanges() {
    return moreChanges;
  }

  public void setMoreChanges(Integer moreChanges) {
    this.moreChanges = moreChanges;
  }

  public Map<String, String> getLocks() {
    return locks;
  }

  public void setLocks(Map<String, String> locks) {
    this.locks = locks;
  }

  /** The same findings with another result (a passed rehearsal waiting for approval). */
  public RehearsalStatus withResult(String newResult) {
    var copy = new RehearsalStatus();
    copy.revision = revision;
    copy.job = job;
    copy.result = newResult;
    copy.durationSeconds = durationSeconds;
    copy.failingStatement = failingStatement;
    copy.sqlState = sqlState;
    copy.cause = cause;
    copy.idempotency = idempotency;
    copy.changes = new ArrayList<>(changes);
    copy.moreChanges = moreChanges;
    copy.locks = new LinkedHashMap<>(locks);
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RehearsalStatus r
        && Objects.equals(revision, r.revision)
        && Objects.equals(job, r.job)
        && Objects.equals(result, r.result)
        && Objects.equals(durationSeconds, r.durationSeconds)
        && Objects.equals(failingStatement, r.failingStatement)
        && Objects.equals(sqlState, r.sqlState)
        && Objects.equals(cause, r.cause)
        && Objects.equals(idempotency, r.idempotency)
        && Objects.equals(changes, r.changes)
        && Objects.equals(moreChanges, r.moreChanges)
        && Objects.equals(locks, r.locks);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        revision,
        job,
        result,
        durationSeconds,
        failingStatement,
        sqlState,
        cause,
        idempotency,
        changes,
        moreChanges,
        locks);
  }
}
