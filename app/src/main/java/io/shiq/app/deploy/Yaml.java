package io.shiq.app.deploy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small YAML writer for Kubernetes manifests: block mappings and sequences, scalar sequences in flow style, comment
 * lines before sequence items ({@link Commented}), and plain scalars only where no YAML 1.1 or 1.2 reader could take
 * them for anything but a string. Deterministic (map order is kept), so generated files can be compared with the
 * committed ones byte for byte.
 */
public final class Yaml {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./-]*");
  private static final Pattern NUMBER = Pattern.compile(
      "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0[xXoObB][0-9a-fA-F_]+|[-+]?\\.(inf|Inf|INF)"
          + "|\\.(nan|NaN|NAN)");
  /** Comment lines are wrapped to this width. */
  private static final int WIDTH = 118;
  private static final List<String> RESERVED = List.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");

  private Yaml() {}

  /** A value (usually a sequence item) with comment lines written before it. */
  public record Commented(List<String> comments, Object value) {}

  /** One document: its comment lines and its root mapping, without the {@code ---} marker. */
  public static String document(List<String> comments, Map<String, ?> root) {
    StringBuilder out = new StringBuilder();
    comments(out, comments, 0);
    mapping(out, root, 0);
    return out.toString();
  }

  private static void comments(StringBuilder out, List<String> comments, int indent) {
    for (String c : comments) {
      for (String paragraph : c.split("\n", -1)) {
        for (String line : wrap(paragraph, WIDTH - indent - 2)) {
          out.append(" ".repeat(indent)).append(line.isEmpty() ? "#" : "# " + line).append('\n');
        }
      }
    }
  }

  /** The words of {@code text} in lines of at most {@code width} characters (a longer word gets a line of its own). */
  static List<String> wrap(String text, int width) {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split(" +")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** Writes the entries of {@code map} at {@code indent}; the first one at the current position. */
  private static void mapping(StringBuilder out, Map<String, ?> map, int indent) {
    boolean first = true;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (!first) {
        out.append(" ".repeat(indent));
      }
      first = false;
      out.append(scalar(e.getKey())).append(':');
      value(out, e.getValue(), indent);
    }
  }

  /** Writes a mapping value after its key's colon. */
  private static void value(StringBuilder out, Object v, int indent) {
    if (v instanceof Commented c) {
      throw new IllegalArgumentException("comments are written before sequence items only, not " + c);
    }
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        out.append(" {}\n");
      } else {
        out.append('\n').append(" ".repeat(indent + 2));
        mapping(out, cast(m), indent + 2);
      }
    } else if (v instanceof List<?> l) {
      if (l.isEmpty() || l.stream().allMatch(Yaml::isScalar)) {
        out.append(' ').append(flow(l)).append('\n');
      } else {
        out.append('\n');
        sequence(out, l, indent + 2);
      }
    } else {
      out.append(' ').append(scalar(v)).append('\n');
    }
  }

  private static void sequence(StringBuilder out, List<?> items, int indent) {
    for (Object item : items) {
      Object v = item;
      if (item instanceof Commented c) {
        comments(out, c.comments(), indent);
        v = c.value();
      }
      out.append(" ".repeat(indent)).append("- ");
      if (v instanceof Map<?, ?> m && !m.isEmpty()) {
        mapping(out, cast(m), indent + 2);
      } else if (v instanceof Map<?, ?>) {
        out.append("{}\n");
      } else if (v instanceof List<?> l) {
        out.append(flow(l)).append('\n');
      } else {
        out.append(scalar(v)).append('\n');
      }
    }
  }

  private static boolean isScalar(Object o) {
    return !(o instanceof Map<?, ?> || o instanceof List<?> || o instanceof Commented);
  }

  private static String flow(List<?> l) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < l.size(); i++) {
      if (!isScalar(l.get(i))) {
        throw new IllegalArgumentException("flow sequences hold scalars only: " + l);
      }
      b.append(i == 0 ? "" : ", ").append(scalar(l.get(i)));
    }
    return b.append(']').toString();
  }

  /** A scalar: numbers and booleans as such, strings plain when unambiguous and double-quoted otherwise. */
  public static String scalar(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    String s = v.toString();
    if (PLAIN.matcher(s).matches() && !NUMBER.matcher(s).matches() && !RESERVED.contains(s.toLowerCase())
        && !s.matches("[0-9]+:[0-9:]*")) {
      return s;
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> cast(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }
}
