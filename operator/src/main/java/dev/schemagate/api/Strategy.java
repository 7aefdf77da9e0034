package dev.schemagate.api;

/** What happens to the version already running while a new version's migration runs. */
public enum Strategy {
  /** The old pods keep serving; pods of the new image are held until its migration succeeds. */
  HoldNewPods,
  /**
   * The Deployment is scaled to 0 while the migration runs, and back afterwards: for migrations the
   * old version cannot survive.
   */
  StopOldPods
}
