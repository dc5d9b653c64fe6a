package io.shiq.bfcl.py;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's {@code ==} on the Java stand-ins (see {@link PyRepr}): {@code 1 == 1.0 == True}, a list never equals a
 * tuple, dicts compare without order, sets as sets, objects by their own {@code __eq__}.
 */
public final class PyEquals {
  private PyEquals() {}

  public static boolean equal(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (isNumber(a) && isNumber(b)) {
      // NaN equals nothing, not even NaN (a container holding the same NaN object matched above, as Python's
      // identity shortcut in list and dict comparison does).
      return !isNaN(a) && !isNaN(b) && compareNumbers(a, b) == 0;
    }
    if (a instanceof String || b instanceof String) {
      return a.equals(b);
    }
    if (a instanceof PyTuple ta && b instanceof PyTuple tb) {
      return sequences(ta.items(), tb.items());
    }
    if (a instanceof PyTuple || b instanceof PyTuple) {
      return false;
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      return sequences(la, lb);
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        Object key = findKey(mb, e.getKey());
        if (key == MISSING || !equal(e.getValue(), mb.get(key))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Set<?> sa && b instanceof Set<?> sb) {
      if (sa.size() != sb.size()) {
        return false;
      }
      for (Object x : sa) {
        if (sb.stream().noneMatch(y -> equal(x, y))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof PyObject oa) {
      return oa.pyEquals(b);
    }
    if (b instanceof PyObject ob) {
      return ob.pyEquals(a);
    }
    if (a instanceof PyDecimal da && b instanceof PyDecimal db) {
      return da.value().compareTo(db.value()) == 0;
    }
    return a.equals(b);
  }

  private static final Object MISSING = new Object();

  /** The key of {@code m} that Python would find for {@code key} (1 and 1.0 and True are one key). */
  private static Object findKey(Map<?, ?> m, Object key) {
    if (m.containsKey(key)) {
      return key;
    }
    for (Object k : m.keySet()) {
      if (equal(k, key)) {
        return k;
      }
    }
    return MISSING;
  }

  private static boolean sequences(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<?> ia = a.iterator();
    Iterator<?> ib = b.iterator();
    while (ia.hasNext()) {
      if (!equal(ia.next(), ib.next())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNaN(Object v) {
    return (v instanceof Double d && d.isNaN()) || (v instanceof Float f && f.isNaN());
  }

  static boolean isNumber(Object v) {
    return PyTypes.isInt(v) || v instanceof Double || v instanceof Float || v instanceof PyDecimal;
  }

  /**
   * Exact comparison of Python numbers (int, bool, float, Decimal), as Python compares them, made total: -inf, then
   * the finite numbers, then NaN, then +inf (a NaN ties with a NaN; Python's operators, which are False for a NaN,
   * are {@link PyCompare#lessThan} and the others).
   */
  static int compareNumbers(Object a, Object b) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != 0 || rb != 0) {
      return Integer.compare(ra, rb);
    }
    return toExact(a).compareTo(toExact(b));
  }

  /** Where a value stands outside the finite numbers: -2 for -inf, 1 for NaN, 2 for +inf, else 0. */
  private static int rank(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        return 1;
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? 2 : -2;
      }
    }
    return 0;
  }

  private static BigDecimal toExact(Object v) {
    if (v instanceof Boolean bool) {
      return bool ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (v instanceof PyDecimal d) {
      return d.value();
    }
    if (v instanceof Double || v instanceof Float) {
      return new BigDecimal(((Number) v).doubleValue());
    }
    return BigDecimal.valueOf(((Number) v).longValue());
  }
}
