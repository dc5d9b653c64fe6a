package io.shiq.bfcl.py;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's container operations on the ports' values: dict lookups with Python's key equality ({@code 1 == 1.0 ==
 * True} are one key) after the hashability check, {@code container[key]} and its assignment, {@code x in container},
 * iteration, {@code len()}, and the receivers of list and dict methods, each with the exception CPython raises for a
 * value of the wrong type.
 */
public final class PyContainers {
  /** What {@link #findKey} returns when the dict holds no equal key. */
  public static final Object MISSING = new Object() {
    @Override
    public String toString() {
      return "MISSING";
    }
  };

  private PyContainers() {}

  /** {@code hash(v)} succeeds: a list, dict or set (also inside a tuple) raises TypeError. */
  public static void requireHashable(Object v) {
    if (v instanceof List || v instanceof Map || v instanceof Set) {
      throw PyException.typeError("unhashable type: '" + PyTypes.name(v) + "'");
    }
    if (v instanceof PyTuple t) {
      t.items().forEach(PyContainers::requireHashable);
    }
  }

  /** The key of {@code m} that Python's dict lookup finds for {@code key}, or {@link #MISSING}. */
  public static Object findKey(Map<?, ?> m, Object key) {
    requireHashable(key);
    if (m.containsKey(key)) {
      return key;
    }
    for (Object k : m.keySet()) {
      if (PyEquals.equal(k, key)) {
        return k;
      }
    }
    return MISSING;
  }

  /** {@code d.get(key, dflt)}. */
  public static Object dictGet(Object d, Object key, Object dflt) {
    Map<Object, Object> m = asDict(d, "get");
    Object k = findKey(m, key);
    return k == MISSING ? dflt : m.get(k);
  }

  /** {@code container[key]}: a dict lookup, or an int index into a list, tuple or str. */
  public static Object getItem(Object container, Object key) {
    if (container instanceof Map<?, ?> m) {
      Object k = findKey(m, key);
      if (k == MISSING) {
        throw PyException.keyError(key);
      }
      return m.get(k);
    }
    if (container instanceof List<?> l) {
      return l.get(index(key, l.size(), "list"));
    }
    if (container instanceof PyTuple t) {
      return t.items().get(index(key, t.items().size(), "tuple"));
    }
    if (container instanceof String s) {
      if (!PyTypes.isInt(key)) {
        throw PyException.typeError("string indices must be integers, not '" + PyTypes.name(key) + "'");
      }
      int[] cps = s.codePoints().toArray();
      return new String(cps, index(key, cps.length, "string"), 1);
    }
    throw PyException.typeError("'" + PyTypes.name(container) + "' object is not subscriptable");
  }

  /** An int index (negative from the end) into a sequence of {@code size} items; IndexError out of range. */
  private static int index(Object key, int size, String type) {
    if (!PyTypes.isInt(key)) {
      throw PyException.typeError(type + " indices must be integers or slices, not " + PyTypes.name(key));
    }
    BigInteger i = PyNumbers.toBigInteger(key);
    if (i.signum() < 0) {
      i = i.add(BigInteger.valueOf(size));
    }
    if (i.signum() < 0 || i.compareTo(BigInteger.valueOf(size)) >= 0) {
      throw PyException.indexError(type + " index out of range");
    }
    return i.intValue();
  }

  /** {@code container[key] = value}: an equal key already in a dict keeps its own identity and place. */
  @SuppressWarnings("unchecked")
  public static void setItem(Object container, Object key, Object value) {
    if (container instanceof Map<?, ?> m) {
      Object existing = findKey(m, key);
      ((Map<Object, Object>) m).put(existing == MISSING ? key : existing, value);
      return;
    }
    if (container instanceof List<?> l) {
      if (!PyTypes.isInt(key)) {
        throw PyException.typeError("list indices must be integers or slices, not " + PyTypes.name(key));
      }
      BigInteger i = PyNumbers.toBigInteger(key);
      if (i.signum() < 0) {
        i = i.add(BigInteger.valueOf(l.size()));
      }
      if (i.signum() < 0 || i.compareTo(BigInteger.valueOf(l.size())) >= 0) {
        throw PyException.indexError("list assignment index out of range");
      }
      ((List<Object>) l).set(i.intValue(), value);
      return;
    }
    throw PyException.typeError("'" + PyTypes.name(container) + "' object does not support item assignment");
  }

  /** {@code x in container}: dict keys and set members by hash, sequence items by identity or equality, substrings. */
  public static boolean contains(Object container, Object x) {
    if (container instanceof Map<?, ?> m) {
      return findKey(m, x) != MISSING;
    }
    if (container instanceof Set<?> s) {
      requireHashable(x);
      return s.stream().anyMatch(y -> PyEquals.equal(y, x));
    }
    if (container instanceof List<?> l) {
      return l.stream().anyMatch(y -> PyEquals.equal(y, x));
    }
    if (container instanceof PyTuple t) {
      return t.items().stream().anyMatch(y -> PyEquals.equal(y, x));
    }
    if (container instanceof String s) {
      if (!(x instanceof String sub)) {
        throw PyException.typeError("'in <string>' requires string as left operand, not " + PyTypes.name(x));
      }
      return s.contains(sub);
    }
    throw PyException.typeError("argument of type '" + PyTypes.name(container) + "' is not iterable");
  }

  /** The items of {@code for x in v}, as a new list: a str yields its characters, a dict its keys. */
  public static List<Object> iterate(Object v) {
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (v instanceof PyTuple t) {
      return new ArrayList<>(t.items());
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof Set<?> s) {
      return new ArrayList<>(s);
    }
    if (v instanceof String s) {
      List<Object> chars = new ArrayList<>();
      s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
      return chars;
    }
    throw PyException.typeError("'" + PyTypes.name(v) + "' object is not iterable");
  }

  /** {@code len(v)}: code points for a str. */
  public static long len(Object v) {
    if (v instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    if (v instanceof List<?> l) {
      return l.size();
    }
    if (v instanceof PyTuple t) {
      return t.items().size();
    }
    if (v instanceof Map<?, ?> m) {
      return m.size();
    }
    if (v instanceof Set<?> s) {
      return s.size();
    }
    throw PyException.typeError("object of type '" + PyTypes.name(v) + "' has no len()");
  }

  /** The receiver of a list method: {@code v} when it is a list, else the AttributeError of {@code v.method}. */
  @SuppressWarnings("unchecked")
  public static List<Object> asList(Object v, String method) {
    if (v instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw PyException.noAttribute(v, method);
  }

  /** The receiver of a dict method: {@code v} when it is a dict, else the AttributeError of {@code v.method}. */
  @SuppressWarnings("unchecked")
  public static Map<Object, Object> asDict(Object v, String method) {
    if (v instanceof Map<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw PyException.noAttribute(v, method);
  }

  /** {@code list.append(item)}. */
  public static void append(Object list, Object item) {
    asList(list, "append").add(item);
  }
}
