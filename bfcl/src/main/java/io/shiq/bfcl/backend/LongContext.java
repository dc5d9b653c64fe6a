package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyValues;
import java.util.Map;

/**
 * The padding data of BFCL's long_context category (the constants of BFCL's {@code long_context.py}, as
 * {@code long_context.json}: see the NOTICE beside it). Each call returns a fresh deep copy, so a backend may mutate
 * what it gets, as the Python classes mutate theirs.
 */
public final class LongContext {
  private static final Map<String, Object> DATA = load();

  private LongContext() {}

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load() {
    return (Map<String, Object>) PyValues.resource(LongContext.class, "/io/shiq/bfcl/long_context.json");
  }

  /** A deep copy of the named constant (WATCH_LIST_EXTENSION, FILE_CONTENT_EXTENSION, ...). */
  @SuppressWarnings("unchecked")
  public static <T> T get(String name) {
    Object v = DATA.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no long-context constant " + name + "; have " + DATA.keySet());
    }
    return (T) PyValues.deepCopy(v);
  }
}
