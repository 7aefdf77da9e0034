package dev.schemagate.rehearsal;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A PostgreSQL major version, and whether a pg_dump can dump a server: pg_dump refuses a server of
 * a newer major, and reads those back to 9.2 (pg_dump 15 to 18). Pure.
 *
 * @param number as {@code server_version_num}: 150004, 90624
 */
public record PgDumpVersion(int number) implements Comparable<PgDumpVersion> {
  /** The oldest server a current pg_dump reads. */
  public static final PgDumpVersion OLDEST_DUMPABLE = new PgDumpVersion(90200);

  private static final Pattern VERSION_LINE =
      Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

  /**
   * From {@code pg_dump --version}: {@code pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)}.
   */
  public static Optional<PgDumpVersion> ofVersionLine(String line) {
    var m = VERSION_LINE.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    int first = Integer.parseInt(m.group(1));
    int second = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    int third = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    // 9.6.24 is major 9.6; 15.18 is major 15.
    return Optional.of(
        new PgDumpVersion(
            first >= 10 ? first * 10000 + second : first * 10000 + second * 100 + third));
  }

  /** As people write it: 15, 9.6. */
  public String majorName() {
    return number >= 100000
        ? Integer.toString(number / 10000)
        : (number / 10000) + "." + (number / 100 % 100);
  }

  private int majorKey() {
    return number >= 100000 ? number / 10000 * 10000 : number / 100 * 100;
  }

  /** Why this pg_dump cannot dump {@code server}, or empty if it can. */
  public Optional<String> cannotDump(PgDumpVersion server, String pgDump) {
    if (server.majorKey() > majorKey()) {
      return Optional.of(
          "the server runs PostgreSQL %s and %s is pg_dump %s: pg_dump must be of the server's major version or newer (install postgresql-client-%s, or name one with --pg-dump)"
              .formatted(server.majorName(), pgDump, majorName(), server.majorName()));
    }
    if (server.compareTo(OLDEST_DUMPABLE) < 0) {
      return Optional.of(
          "the server runs PostgreSQL %s, older than 9.2, the oldest pg_dump %s reads"
              .formatted(server.majorName(), majorName()));
    }
    return Optional.empty();
  }

  @Override
  public int compareTo(PgDumpVersion other) {
    return Integer.compare(number, other.number);
  }
}
