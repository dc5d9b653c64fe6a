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
      return compareNumbers(a, b) == 0;
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

  static boolean isNumber(Object v) {
    return PyTypes.isInt(v) || v instanceof Double || v instanceof Float || v instanceof PyDecimal;
  }

  /** Exact comparison of Python numbers (int, bool, float, Decimal), as Python compares them. */
  static int compareNumbers(Object a, Object b) {
    return toExact(a).compareTo(toExact(b));
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
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        // NaN equals nothing; infinities order beyond every finite number.
        return Double.isNaN(d) ? new BigDecimal("1e400") : d > 0 ? new BigDecimal("1e500") : new BigDecimal("-1e500");
      }
      return new BigDecimal(d);
    }
    return BigDecimal.valueOf(((Number) v).longValue());
  }
}
