package dev.schemagate.testenv.chaos;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/** Where a password shows in a text, in any form it may have taken on the way. Pure. */
public final class PasswordLeaks {
  private PasswordLeaks() {}

  /**
   * The password as written in a URL, percent-decoded, percent-encoded, and in base64 (as a
   * Secret's data, or a log that dumps one, carries it).
   */
  static Set<String> forms(String password) {
    var forms = new LinkedHashSet<String>();
    forms.add(password);
    try {
      forms.add(URLDecoder.decode(password.replace("+", "%2B"), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      // not percent-encoded: written as it is
    }
    forms.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
    forms.add(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    return forms;
  }

  /** How many times any form of the password occurs in the text. */
  public static int hits(String text, String password) {
    int hits = 0;
    for (var form : forms(password)) {
      for (int i = text.indexOf(form); i >= 0; i = text.indexOf(form, i + form.length())) {
        hits++;
      }
    }
    return hits;
  }
}
