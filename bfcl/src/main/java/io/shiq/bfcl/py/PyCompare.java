package io.shiq.bfcl.py;

import java.util.List;

/**
 * Python's ordering of the ports' values: numbers (int, bool, float, Decimal) exactly by value, str by code point,
 * lists and tuples item by item. Two forms: {@link #compare}, a total order for sorting (a NaN sorts between the
 * finite numbers and +inf and ties with another NaN), and Python's operators {@code <}, {@code <=}, {@code >},
 * {@code >=} ({@link #lessThan} and the others), which are False whenever a NaN is compared, as in Python, and raise
 * the TypeError that names the operator for values Python cannot order.
 */
public final class PyCompare {
  private PyCompare() {}

  /** A total order for sorting, Python's where Python's is one. */
  public static int compare(Object a, Object b) {
    if (PyEquals.isNumber(a) && PyEquals.isNumber(b)) {
      return PyEquals.compareNumbers(a, b);
    }
    if (a instanceof String sa && b instanceof String sb) {
      return codePoints(sa, sb);
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      return sequences(la, lb);
    }
    if (a instanceof PyTuple ta && b instanceof PyTuple tb) {
      return sequences(ta.items(), tb.items());
    }
    throw notSupported("<", a, b);
  }

  /** Python's {@code a < b}. */
  public static boolean lessThan(Object a, Object b) {
    return holds(a, Op.LT, b);
  }

  /** Python's {@code a <= b}. */
  public static boolean lessEqual(Object a, Object b) {
    return holds(a, Op.LE, b);
  }

  /** Python's {@code a > b}. */
  public static boolean greaterThan(Object a, Object b) {
    return holds(a, Op.GT, b);
  }

  /** Python's {@code a >= b}. */
  public static boolean greaterEqual(Object a, Object b) {
    return holds(a, Op.GE, b);
  }

  private enum Op {
    LT("<"), LE("<="), GT(">"), GE(">=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean test(int cmp) {
      return switch (this) {
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  private static boolean holds(Object a, Op op, Object b) {
    if (PyEquals.isNumber(a) && PyEquals.isNumber(b)) {
      return !isNaN(a) && !isNaN(b) && op.test(PyEquals.compareNumbers(a, b));
    }
    if (a instanceof String sa && b instanceof String sb) {
      return op.test(codePoints(sa, sb));
    }
    List<?> la = null;
    List<?> lb = null;
    if (a instanceof List<?> x && b instanceof List<?> y) {
      la = x;
      lb = y;
    } else if (a instanceof PyTuple x && b instanceof PyTuple y) {
      la = x.items();
      lb = y.items();
    }
    if (la != null) {
      // list_richcompare: the first items that differ decide, with the same operator; else the lengths.
      for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
        if (!PyEquals.equal(la.get(i), lb.get(i))) {
          return holds(la.get(i), op, lb.get(i));
        }
      }
      return op.test(Integer.compare(la.size(), lb.size()));
    }
    throw notSupported(op.symbol, a, b);
  }

  private static boolean isNaN(Object v) {
    return (v instanceof Double || v instanceof Float) && Double.isNaN(((Number) v).doubleValue());
  }

  private static PyException notSupported(String op, Object a, Object b) {
    return PyException.typeError("'" + op + "' not supported between instances of '" + PyTypes.name(a) + "' and '"
        + PyTypes.name(b) + "'");
  }

  /** str ordering: by code point (Java's UTF-16 order differs above the BMP). */
  private static int codePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int sequences(List<?> a, List<?> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!PyEquals.equal(a.get(i), b.get(i))) {
        return compare(a.get(i), b.get(i));
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
