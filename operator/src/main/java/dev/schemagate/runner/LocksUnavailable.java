package dev.schemagate.runner;

/** A migration still timed out on a lock when the retry budget ran out; the cause says where. */
final class LocksUnavailable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param detail how long it retried and what blocked it last
   */
  LocksUnavailable(RuntimeException cause, String detail) {
    super(detail, cause);
  }
}
