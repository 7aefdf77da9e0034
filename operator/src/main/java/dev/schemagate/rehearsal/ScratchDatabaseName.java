package dev.schemagate.rehearsal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name and the comment of a rehearsal's scratch database, and which leftover ones a later
 * rehearsal may drop. Pure.
 *
 * <p>The name says what it is ({@code schemagate_rehearsal_<revision>_<id>}); the comment says when
 * it was made, so that a rehearsal killed before its clean-up (SIGKILL, a node lost) leaves a
 * database the next one recognises and drops once it is old enough not to be another rehearsal's in
 * progress.
 */
public final class ScratchDatabaseName {
  public static final String PREFIX = "schemagate_rehearsal_";

  /** PostgreSQL truncates identifiers to 63 bytes. */
  private static final int MAX_LENGTH = 63;

  private static final String COMMENT_START = "SchemaGate rehearsal scratch copy, created ";
  private static final Pattern COMMENT =
      Pattern.compile("^" + Pattern.quote(COMMENT_START) + "(\\S+?);");

  private ScratchDatabaseName() {}

  /**
   * @param revision what is rehearsed (a revision, a commit), or empty
   * @param id a short random hex id, so that rehearsals of one revision do not collide
   */
  public static String of(String revision, String id) {
    String label = revision.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    label = label.replaceAll("^_+|_+$", "");
    int room = MAX_LENGTH - PREFIX.length() - id.length() - 1;
    if (label.length() > room) {
      label = label.substring(0, room).replaceAll("_+$", "");
    }
    return PREFIX + (label.isEmpty() ? "" : label + "_") + id;
  }

  public static String comment(Instant created, Duration sweptAfter) {
    return COMMENT_START
        + created
        + "; dropped when the rehearsal ends, or by a later one after "
        + sweptAfter;
  }

  /**
   * Whether a database is a leftover scratch copy old enough to drop: named as ours, made more than
   * {@code maxAge} ago as its comment says. A database of our name whose comment does not say when
   * it was made is not ours to drop.
   */
  public static boolean isStale(String name, String comment, Instant now, Duration maxAge) {
    if (!name.startsWith(PREFIX) || comment == null) {
      return false;
    }
    return created(comment).map(at -> at.plus(maxAge).isBefore(now)).orElse(false);
  }

  static Optional<Instant> created(String comment) {
    var m = COMMENT.matcher(comment);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(m.group(1)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
