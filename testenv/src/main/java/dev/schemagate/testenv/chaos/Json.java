package dev.schemagate.testenv.chaos;

import java.util.List;
import java.util.Map;

/**
 * JSON text of maps, lists, strings, numbers and booleans, written by hand because the fuzzer needs
 * what a library refuses: objects nested 10,000 deep, unpaired surrogates.
 */
final class Json {
  private Json() {}

  /** {@code {"a":{"a":...bottom...}}}, {@code depth} objects deep, written without recursion. */
  record Nested(int depth, Object bottom) {}

  static String write(Object value) {
    var out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      out.append('{');
      var first = true;
      for (var e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string((String) e.getKey(), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof Nested nested) {
      out.append("{\"a\":".repeat(nested.depth()));
      write(nested.bottom(), out);
      out.append("}".repeat(nested.depth()));
    } else if (value instanceof String s) {
      string(s, out);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value == null) {
      out.append("null");
    } else {
      throw new IllegalArgumentException("not JSON: " + value.getClass());
    }
  }

  /** Quotes and escapes; every character outside printable ASCII as \\uXXXX. */
  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7E) {
        out.append("\\u%04x".formatted((int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
