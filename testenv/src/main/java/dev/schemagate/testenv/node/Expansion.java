package dev.schemagate.testenv.node;

import java.util.Map;

/**
 * Kubernetes' $(VAR) references in env values, command and args: $(NAME) if known, $$ a literal $.
 */
final class Expansion {
  private Expansion() {}

  static String expand(String s, Map<String, String> vars) {
    var out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '$') {
        out.append('$');
        i++;
      } else if (c == '$'
          && i + 1 < s.length()
          && s.charAt(i + 1) == '('
          && s.indexOf(')', i) > 0) {
        int end = s.indexOf(')', i);
        var name = s.substring(i + 2, end);
        // An unknown name stays as written, as in Kubernetes.
        out.append(vars.getOrDefault(name, s.substring(i, end + 1)));
        i = end;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
