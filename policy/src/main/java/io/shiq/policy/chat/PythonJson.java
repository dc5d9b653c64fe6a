package io.shiq.policy.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as transformers' {@code tojson} filter calls it: {@code json.dumps(x,
 * ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. Separators {@code ", "} and {@code ": "}
 * ({@code ","} between items when indenting), map order kept, non-ASCII kept, control characters as
 * &#92;u00XX escapes, floats as Python's {@code repr} ({@code 1.0}, {@code 1e-05}). Jinjava's own {@code tojson} writes
 * Jackson's compact form ({@code {"a":1}}), which changes every tool prompt.
 */
final class PythonJson implements Filter {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Override
  public String getName() {
    return "tojson";
  }

  @Override
  public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
    return dumps(var, false, null, null, null, false);
  }

  @Override
  public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
    // Positional order of transformers' tojson: ensure_ascii, indent, separators, sort_keys.
    Object ensureAscii = kwargs.getOrDefault("ensure_ascii", args.length > 0 ? args[0] : false);
    Object indent = kwargs.getOrDefault("indent", args.length > 1 ? args[1] : null);
    Object separators = kwargs.getOrDefault("separators", args.length > 2 ? args[2] : null);
    Object sortKeys = kwargs.getOrDefault("sort_keys", args.length > 3 ? args[3] : false);
    String itemSep = null;
    String keySep = null;
    if (separators instanceof List<?> l && l.size() == 2) {
      itemSep = String.valueOf(l.get(0));
      keySep = String.valueOf(l.get(1));
    } else if (separators instanceof Object[] a && a.length == 2) {
      itemSep = String.valueOf(a[0]);
      keySep = String.valueOf(a[1]);
    }
    String indentText = indent == null ? null
        : indent instanceof Number n ? " ".repeat(Math.max(0, n.intValue())) : indent.toString();
    return dumps(var, Boolean.TRUE.equals(ensureAscii), indentText, itemSep, keySep, Boolean.TRUE.equals(sortKeys));
  }

  /** {@code json.dumps(value, ensure_ascii=False)}. */
  static String dumps(Object value) {
    return dumps(value, false, null, null, null, false);
  }

  static String dumps(Object value, boolean ensureAscii, String indent, String itemSep, String keySep,
                      boolean sortKeys) {
    String items = itemSep != null ? itemSep : indent != null ? "," : ", ";
    String keys = keySep != null ? keySep : ": ";
    StringBuilder out = new StringBuilder();
    new Writer(out, ensureAscii, indent, items, keys, sortKeys).write(value, 0);
    return out.toString();
  }

  private record Writer(StringBuilder out, boolean ensureAscii, String indent, String itemSep, String keySep,
                        boolean sortKeys) {
    void write(Object v, int depth) {
      if (v instanceof JsonNode node) {
        v = JACKSON.convertValue(node, Object.class);
      }
      if (v == null) {
        out.append("null");
      } else if (v instanceof Boolean b) {
        out.append(b ? "true" : "false");
      } else if (v instanceof CharSequence || v instanceof Character) {
        string(v.toString());
      } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
        out.append(pythonFloat(((Number) v).doubleValue()));
      } else if (v instanceof Number) {
        out.append(v instanceof BigInteger ? v.toString() : Long.toString(((Number) v).longValue()));
      } else if (v instanceof Map<?, ?> m) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        if (sortKeys) {
          entries.sort(Comparator.comparing(e -> key(e.getKey())));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
          separate(i, depth + 1);
          string(key(entries.get(i).getKey()));
          out.append(keySep);
          write(entries.get(i).getValue(), depth + 1);
        }
        close('}', entries.size(), depth);
      } else if (v instanceof Iterable<?> || v instanceof Object[]) {
        List<Object> list = new ArrayList<>();
        if (v instanceof Object[] a) {
          list.addAll(List.of(a));
        } else {
          ((Iterable<?>) v).forEach(list::add);
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          separate(i, depth + 1);
          write(list.get(i), depth + 1);
        }
        close(']', list.size(), depth);
      } else {
        throw new IllegalArgumentException("Object of type " + v.getClass().getSimpleName()
            + " is not JSON serializable");
      }
    }

    private String key(Object k) {
      if (k == null) {
        return "null";
      }
      if (k instanceof Boolean || k instanceof Number && !(k instanceof Double || k instanceof Float)) {
        return k.toString();
      }
      if (k instanceof Double || k instanceof Float) {
        return pythonFloat(((Number) k).doubleValue());
      }
      return k.toString();
    }

    private void separate(int i, int depth) {
      if (i > 0) {
        out.append(itemSep);
      }
      if (indent != null) {
        out.append('\n').append(indent.repeat(depth));
      }
    }

    private void close(char bracket, int size, int depth) {
      if (indent != null && size > 0) {
        out.append('\n').append(indent.repeat(depth));
      }
      out.append(bracket);
    }

    private void string(String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          case '\b' -> out.append("\\b");
          case '\f' -> out.append("\\f");
          default -> {
            if (c < 0x20 || ensureAscii && c > 0x7E) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }

  /** Python's {@code repr(float)}: shortest digits, exponent form below 1e-4 and from 1e16. */
  static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int exponent = digits.length() - 1 - bd.scale();
    String sign = d < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = bd.toPlainString();
      return sign + (plain.indexOf('.') >= 0 ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
        + Math.abs(exponent);
  }
}
