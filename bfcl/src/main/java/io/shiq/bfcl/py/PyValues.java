package io.shiq.bfcl.py;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Python values from JSON (as {@code json.loads} makes them) and deep copies (as {@code copy.deepcopy}). */
public final class PyValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PyValues() {}

  /** {@code json.loads}: objects as dicts in file order, 1 as int and 1.0 as float. */
  public static Object fromJson(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isObject()) {
      if (n.size() == 1 && "Ellipsis".equals(n.path("__python__").asText(null))) {
        return PyEllipsis.INSTANCE;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), fromJson(e.getValue()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      n.forEach(x -> l.add(fromJson(x)));
      return l;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    return n.asText();
  }

  public static Object fromJson(String text) {
    try {
      return fromJson(JSON.readTree(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A classpath JSON resource as Python values. */
  public static Object resource(Class<?> near, String name) {
    try (InputStream in = near.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to " + near.getName());
      }
      return fromJson(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code copy.deepcopy} of plain values (dicts, lists, sets, tuples; immutable leaves are shared). */
  @SuppressWarnings("unchecked")
  public static <T> T deepCopy(T v) {
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = m instanceof TreeMap ? new TreeMap<>() : new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, deepCopy(x)));
      return (T) out;
    }
    if (v instanceof PyTuple t) {
      List<Object> items = new ArrayList<>();
      t.items().forEach(x -> items.add(deepCopy(x)));
      return (T) new PyTuple(items);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(deepCopy(x)));
      return (T) out;
    }
    if (v instanceof Set<?> s) {
      Set<Object> out = new java.util.LinkedHashSet<>();
      s.forEach(x -> out.add(deepCopy(x)));
      return (T) out;
    }
    return v;
  }
}
