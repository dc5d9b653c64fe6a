package io.shiq.bfcl.py;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(v)} with its defaults: separators {@code ", "} and {@code ": "}, {@code ensure_ascii}
 * (every non-ASCII character as {@code \\uXXXX}, surrogate pairs above the BMP), floats as {@code float.__repr__}
 * ({@code NaN}, {@code Infinity}), tuples as lists, int/float/bool/None keys converted as Python converts them, and
 * a TypeError for anything else ("Object of type set is not JSON serializable"), which BFCL's executor catches.
 */
public final class PyJson {
  private PyJson() {}

  public static String dumps(Object v) {
    return dumps(v, false);
  }

  /** With {@code sortKeys}, dict keys in Python's sorted order (keys of one dict must be mutually comparable). */
  public static String dumps(Object v, boolean sortKeys) {
    StringBuilder out = new StringBuilder();
    write(v, sortKeys, out);
    return out.toString();
  }

  /**
   * {@code json.dumps(v, indent=indent)}: each item of a non-empty list or dict on its own line, indented by
   * {@code indent} spaces per level, items separated by {@code ","} (no trailing space) and keys by {@code ": "};
   * empty containers stay {@code []} and {@code {}}.
   */
  public static String dumpsIndented(Object v, int indent) {
    StringBuilder out = new StringBuilder();
    writeIndented(v, indent, 0, out);
    return out.toString();
  }

  private static void writeIndented(Object v, int indent, int level, StringBuilder out) {
    Collection<?> items = v instanceof PyTuple t ? t.items() : v instanceof List<?> l ? l : null;
    if (items != null && !items.isEmpty()) {
      out.append('[');
      Iterator<?> it = items.iterator();
      while (it.hasNext()) {
        newline(indent, level + 1, out);
        writeIndented(it.next(), indent, level + 1, out);
        if (it.hasNext()) {
          out.append(',');
        }
      }
      newline(indent, level, out);
      out.append(']');
    } else if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      out.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        newline(indent, level + 1, out);
        string(key(e.getKey()), out);
        out.append(": ");
        writeIndented(e.getValue(), indent, level + 1, out);
        if (it.hasNext()) {
          out.append(',');
        }
      }
      newline(indent, level, out);
      out.append('}');
    } else {
      write(v, false, out);
    }
  }

  private static void newline(int indent, int level, StringBuilder out) {
    out.append('\n').append(" ".repeat(indent * level));
  }

  private static void write(Object v, boolean sortKeys, StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (PyTypes.isInt(v)) {
      out.append(PyNumbers.intText(v));
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
          : PyFloat.repr(d));
    } else if (v instanceof String s) {
      string(s, out);
    } else if (v instanceof PyTuple t) {
      array(t.items(), sortKeys, out);
    } else if (v instanceof List<?> l) {
      array(l, sortKeys, out);
    } else if (v instanceof Map<?, ?> m) {
      List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
      if (sortKeys) {
        entries.sort((a, b) -> PyCompare.compare(a.getKey(), b.getKey()));
      }
      out.append('{');
      Iterator<Map.Entry<?, ?>> it = entries.iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        string(key(e.getKey()), out);
        out.append(": ");
        write(e.getValue(), sortKeys, out);
        if (it.hasNext()) {
          out.append(", ");
        }
      }
      out.append('}');
    } else {
      throw PyException.typeError("Object of type " + PyTypes.name(v) + " is not JSON serializable");
    }
  }

  private static String key(Object k) {
    String text = keyText(k);
    if (text == null) {
      throw PyException.typeError("keys must be str, int, float, bool or None, not " + PyTypes.name(k));
    }
    return text;
  }

  /** The text json.dumps writes for a dict key of type str, int, float, bool or None; null for any other type. */
  public static String keyText(Object k) {
    if (k instanceof String s) {
      return s;
    }
    if (k instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (k == null) {
      return "null";
    }
    if (PyTypes.isInt(k)) {
      return PyNumbers.intText(k);
    }
    if (k instanceof Double d) {
      return PyFloat.repr(d);
    }
    return null;
  }

  private static void array(Collection<?> items, boolean sortKeys, StringBuilder out) {
    out.append('[');
    Iterator<?> it = items.iterator();
    while (it.hasNext()) {
      write(it.next(), sortKeys, out);
      if (it.hasNext()) {
        out.append(", ");
      }
    }
    out.append(']');
  }

  /** json's ensure_ascii string encoder (py_encode_basestring_ascii). */
  static void string(String s, StringBuilder out) {
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
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c)); // UTF-16 units: surrogate pairs come out as two escapes
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
