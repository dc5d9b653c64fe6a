package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bound arguments of one call, by parameter name. The typed accessors take what Python would accept where the
 * method uses the value that way (an int where a float is expected; any value where truth is tested) and otherwise
 * raise the TypeError the Python code would most likely hit.
 */
public final class Args {
  private final String qualifiedName;
  private final List<Param> params;
  private final Object[] values;

  Args(String qualifiedName, List<Param> params, Object[] values) {
    this.qualifiedName = qualifiedName;
    this.params = params;
    this.values = values;
  }

  private int index(String name) {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(qualifiedName + " has no parameter " + name);
  }

  /** The value as passed (or the default). */
  public Object get(String name) {
    return values[index(name)];
  }

  public boolean isNone(String name) {
    return get(name) == null;
  }

  public String str(String name) {
    Object v = get(name);
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(name, "str", v);
  }

  /** A str or None. */
  public String optStr(String name) {
    return get(name) == null ? null : str(name);
  }

  /** An int (a bool counts, as in Python). */
  public long integer(String name) {
    Object v = get(name);
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger i) {
      return i.longValueExact();
    }
    throw wrongType(name, "int", v);
  }

  /** An int or float, as a double (where the Python code does arithmetic that works on both). */
  public double number(String name) {
    Object v = get(name);
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw wrongType(name, "float", v);
  }

  /** Python truth of the value ({@code if x:}). */
  public boolean truthy(String name) {
    return truthy(get(name));
  }

  public static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number) {
      return !PyEquals.equal(v, 0L);
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof List<?> l) {
      return !l.isEmpty();
    }
    if (v instanceof PyTuple t) {
      return !t.items().isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    if (v instanceof Set<?> s) {
      return !s.isEmpty();
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  public List<Object> list(String name) {
    Object v = get(name);
    if (v instanceof List<?> l) {
      return (List<Object>) l;
    }
    if (v instanceof PyTuple t) {
      return t.items();
    }
    throw wrongType(name, "list", v);
  }

  @SuppressWarnings("unchecked")
  public Map<Object, Object> dict(String name) {
    Object v = get(name);
    if (v instanceof Map<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw wrongType(name, "dict", v);
  }

  private PyException wrongType(String name, String expected, Object v) {
    return PyException.typeError(qualifiedName + "() argument '" + name + "' must be " + expected + ", not "
        + PyTypes.name(v));
  }
}
