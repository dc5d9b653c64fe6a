package io.shiq.bfcl.exec;

import io.shiq.bfcl.backend.Backend;
import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyDates;
import io.shiq.bfcl.py.PyDecimal;
import io.shiq.bfcl.py.PyEllipsis;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyMpf;
import io.shiq.bfcl.py.PyObject;
import io.shiq.bfcl.py.PyTuple;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The canonical JSON of a class's public state, as {@code ../shared/data/bfcl/golden/} defines it: objects as
 * {@code {"__class__": name, ...public attributes}}, sets as sorted lists, dates as ISO strings, Decimals as
 * strings, floats as Python prints them, keys sorted.
 */
public final class StateJson {
  private StateJson() {}

  /** Every instance's public state, by class name. */
  public static Map<String, Object> of(Map<String, Backend> instances) {
    Map<String, Object> out = new LinkedHashMap<>();
    instances.forEach((name, b) -> out.put(name, canonical(b.state())));
    return out;
  }

  /** The canonical JSON text of {@link #of}. */
  public static String text(Map<String, Backend> instances) {
    return PyJson.dumps(of(instances), true);
  }

  /** A Python value as plain JSON values (str-keyed dicts, lists, str, int, float, bool, None). */
  public static Object canonical(Object v) {
    if (v instanceof PyObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("__class__", o.pyClassName());
      o.publicAttributes().forEach((k, x) -> m.put(k, canonical(x)));
      return m;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> m = new LinkedHashMap<>();
      map.forEach((k, x) -> m.put(key(k), canonical(x)));
      return m;
    }
    if (v instanceof PyTuple t) {
      return canonicalList(t.items());
    }
    if (v instanceof List<?> l) {
      return canonicalList(l);
    }
    if (v instanceof Set<?> s) {
      List<Object> sorted = new ArrayList<>(s);
      sorted.sort(PyCompare::compare);
      return canonicalList(sorted);
    }
    if (v instanceof LocalDateTime t) {
      return PyDates.isoFormat(t, 'T');
    }
    if (v instanceof LocalDate d) {
      return d.toString();
    }
    if (v instanceof PyDecimal d) {
      return d.value().toString();
    }
    if (v instanceof PyMpf m) {
      return m.str();
    }
    if (v instanceof PyEllipsis) {
      return "Ellipsis";
    }
    return v;
  }

  private static List<Object> canonicalList(List<?> items) {
    List<Object> out = new ArrayList<>(items.size());
    items.forEach(x -> out.add(canonical(x)));
    return out;
  }

  /** json.dumps' key conversion; other keys (a tuple) as the text of their canonical value. */
  private static String key(Object k) {
    String text = PyJson.keyText(k);
    return text != null ? text : canonical(k).toString();
  }
}
