package io.shiq.bfcl.py;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's {@code repr()} and {@code str()} of the values the ported backends use. The Java types stand for Python's:
 * null = None, Boolean = bool, Long/Integer/BigInteger = int, Double = float, String = str, List = list,
 * {@link PyTuple} = tuple, Map = dict (insertion order, as Python's), Set = set, {@link PyDecimal}, {@link PyMpf},
 * {@link PyObject}, LocalDateTime = datetime.datetime, LocalDate = datetime.date.
 */
public final class PyRepr {
  private PyRepr() {}

  public static String repr(Object v) {
    StringBuilder out = new StringBuilder();
    repr(v, out);
    return out.toString();
  }

  /** {@code str(v)}: a str is itself; containers print the repr of their items. */
  public static String str(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof PyDecimal d) {
      return d.value().toString(); // BigDecimal and Python's Decimal both follow the to-scientific-string rules
    }
    if (v instanceof PyMpf m) {
      return m.str();
    }
    if (v instanceof LocalDateTime t) {
      return PyDates.isoFormat(t, ' ');
    }
    if (v instanceof LocalDate d) {
      return d.toString();
    }
    return repr(v);
  }

  private static void repr(Object v, StringBuilder out) {
    if (v == null) {
      out.append("None");
    } else if (v instanceof Boolean b) {
      out.append(b ? "True" : "False");
    } else if (PyTypes.isInt(v)) {
      out.append(PyNumbers.intText(v));
    } else if (v instanceof Double || v instanceof Float) {
      out.append(PyFloat.repr(((Number) v).doubleValue()));
    } else if (v instanceof String s) {
      quote(s, out);
    } else if (v instanceof PyTuple t) {
      out.append('(');
      items(t.items(), out);
      if (t.items().size() == 1) {
        out.append(',');
      }
      out.append(')');
    } else if (v instanceof List<?> l) {
      out.append('[');
      items(l, out);
      out.append(']');
    } else if (v instanceof Map<?, ?> m) {
      out.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        repr(e.getKey(), out);
        out.append(": ");
        repr(e.getValue(), out);
        if (it.hasNext()) {
          out.append(", ");
        }
      }
      out.append('}');
    } else if (v instanceof Set<?> s) {
      if (s.isEmpty()) {
        out.append("set()");
      } else {
        out.append('{');
        items(s, out);
        out.append('}');
      }
    } else if (v instanceof PyDecimal d) {
      out.append("Decimal('").append(str(d)).append("')");
    } else if (v instanceof PyMpf m) {
      out.append(m.repr());
    } else if (v instanceof LocalDateTime t) {
      out.append("datetime.datetime(").append(t.getYear()).append(", ").append(t.getMonthValue()).append(", ")
          .append(t.getDayOfMonth()).append(", ").append(t.getHour()).append(", ").append(t.getMinute());
      if (t.getSecond() != 0 || t.getNano() != 0) {
        out.append(", ").append(t.getSecond());
      }
      if (t.getNano() != 0) {
        out.append(", ").append(t.getNano() / 1000);
      }
      out.append(')');
    } else if (v instanceof LocalDate d) {
      out.append("datetime.date(").append(d.getYear()).append(", ").append(d.getMonthValue()).append(", ")
          .append(d.getDayOfMonth()).append(')');
    } else if (v instanceof PyObject o) {
      out.append(o.pyRepr());
    } else if (v instanceof PyEllipsis) {
      out.append("Ellipsis");
    } else {
      throw new IllegalArgumentException("no Python repr for " + v.getClass().getName());
    }
  }

  private static void items(Collection<?> items, StringBuilder out) {
    Iterator<?> it = items.iterator();
    while (it.hasNext()) {
      repr(it.next(), out);
      if (it.hasNext()) {
        out.append(", ");
      }
    }
  }

  /** CPython's unicode_repr: single quotes unless the text has ' and no ", escapes for what is not printable. */
  static void quote(String s, StringBuilder out) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(q);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c == q || c == '\\') {
        out.append('\\').appendCodePoint(c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else if (c < 0x7f || isPrintable(c)) {
        out.appendCodePoint(c);
      } else if (c <= 0xff) {
        out.append(String.format("\\x%02x", c));
      } else if (c <= 0xffff) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.append(String.format("\\U%08x", c));
      }
    }
    out.append(q);
  }

  /** Python's str.isprintable for one character: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (but space). */
  private static boolean isPrintable(int c) {
    if (c == ' ') {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }
}
