package io.shiq.bfcl.py;

import java.util.List;

/** Python's ordering ({@code <}) for sorting: numbers by value, str by code point, lists/tuples item by item. */
public final class PyCompare {
  private PyCompare() {}

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
    throw PyException.typeError("'<' not supported between instances of '" + PyTypes.name(a) + "' and '"
        + PyTypes.name(b) + "'");
  }

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
