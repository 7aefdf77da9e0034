package dev.schemagate.rehearsal;

/** The copy of production's schema could not be made: nothing was rehearsed. */
public final class CopyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CopyException(String message) {
    super(message);
  }
}
