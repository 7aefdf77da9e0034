package dev.schemagate.runlog;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one masker of passwords, for any text shown to anyone: a status, an Event, the runner's
 * termination message. Tools echo their connection URL or DSN in errors; whatever they echo, the
 * password reads {@value #MASK}.
 */
public final class Secrets {
  public static final String MASK = "***";

  /**
   * A URL's user-info password: to the last '@' before whitespace, so that a password with an '@'
   * or a quote in it is masked whole.
   */
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^\\s/:@]*:)\\S*@");

  /**
   * A key=value or key: value password (libpq's DSN, JDBC's parameters, a YAML line), quoted or up
   * to the next separator.
   */
  private static final Pattern KEY_PASSWORD =
      Pattern.compile("(?i)\\b(password|passwd|pwd)(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s&;,)]+)");

  private Secrets() {}

  /** {@code text} with every password it quotes masked. */
  public static String mask(String text) {
    return mask(text, List.of());
  }

  /**
   * {@code text} with every password it quotes masked, and every one of {@code known} wherever it
   * stands (a password echoed without its key, as a tool's error may quote it).
   */
  public static String mask(String text, Collection<String> known) {
    var masked = text;
    // Longest first, so that no shorter secret leaves part of a longer one behind.
    var secrets =
        known.stream()
            .filter(Objects::nonNull)
            .filter(secret -> !secret.isEmpty())
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    for (var secret : secrets) {
      masked = masked.replace(secret, MASK);
    }
    masked = URL_PASSWORD.matcher(masked).replaceAll("$1" + MASK + "@");
    return KEY_PASSWORD.matcher(masked).replaceAll("$1$2" + MASK);
  }
}
