package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One of BFCL's stateful tool classes, ported: its scenario loading ({@code _load_scenario}), its public methods with
 * Python's argument binding, and its public state (what BFCL's state checker compares).
 *
 * <p>A subclass is named exactly as the Python class ({@code GorillaFileSystem}, ...) and lives in this package, so
 * that {@link Backends#create} finds it; its constructor declares every public method with {@link #define}.
 */
public abstract class Backend {
  private final Map<String, Method> methods = new LinkedHashMap<>();

  private record Method(List<Param> params, Body body) {}

  /** The Python class name. */
  public final String className() {
    return getClass().getSimpleName();
  }

  /**
   * {@code _load_scenario(scenario, long_context)}: {@code scenario} is a deep copy of the record's
   * {@code initial_config[ClassName]} (empty when absent), in Python values.
   */
  public abstract void loadScenario(Map<String, Object> scenario, boolean longContext);

  /**
   * The clock the class reads where the Python reads the time ({@code datetime.now()}, {@code datetime.today()},
   * {@code fromtimestamp}'s time zone); the default is the system's. Classes that read it override this.
   */
  public void setClock(java.time.Clock clock) {
    // most classes never read the clock
  }

  /** Whether BFCL loads a scenario into this class (STATELESS_CLASSES: MathAPI does not). */
  public boolean stateful() {
    return true;
  }

  /**
   * Every public attribute (names not starting with "_") in Python values, as {@code vars(self)} holds them, in the
   * order the Python class assigns them.
   */
  public abstract Map<String, Object> state();

  /** Declares a public method; the order of {@code params} is Python's (after {@code self}). */
  protected final void define(String name, Body body, Param... params) {
    methods.put(name, new Method(List.of(params), body));
  }

  public final Set<String> methodNames() {
    return Collections.unmodifiableSet(methods.keySet());
  }

  public final boolean hasMethod(String name) {
    return methods.containsKey(name);
  }

  /** The parameter names of a public method, in Python's order (after {@code self}). */
  public final List<String> parameterNames(String method) {
    Method m = methods.get(method);
    if (m == null) {
      throw new IllegalArgumentException(className() + " has no method " + method);
    }
    return m.params().stream().map(Param::name).toList();
  }

  /**
   * Calls a method as Python would: binds positional and keyword arguments to the parameters (raising CPython's
   * TypeErrors, with the class-qualified name Python 3.10+ prints), fills defaults, and runs it.
   */
  public final Object invoke(String name, List<Object> args, Map<String, Object> kwargs) {
    Method m = methods.get(name);
    if (m == null) {
      throw PyException.attributeError("'" + className() + "' object has no attribute '" + name + "'");
    }
    String qualified = className() + "." + name;
    List<Param> params = m.params();
    Object[] values = new Object[params.size()];
    boolean[] set = new boolean[params.size()];
    if (args.size() > params.size()) {
      long required = params.stream().filter(Param::required).count();
      // Counts include self, as CPython's do.
      String takes = required == params.size() ? plural(params.size() + 1, "positional argument")
          : "from " + (required + 1) + " to " + plural(params.size() + 1, "positional argument");
      throw PyException.typeError(qualified + "() takes " + takes + " but " + (args.size() + 1)
          + (args.size() + 1 == 1 ? " was" : " were") + " given");
    }
    for (int i = 0; i < args.size(); i++) {
      values[i] = args.get(i);
      set[i] = true;
    }
    for (Map.Entry<String, Object> kw : kwargs.entrySet()) {
      int i = indexOf(params, kw.getKey());
      if (i < 0) {
        throw PyException.typeError(qualified + "() got an unexpected keyword argument '" + kw.getKey() + "'");
      }
      if (set[i]) {
        throw PyException.typeError(qualified + "() got multiple values for argument '" + kw.getKey() + "'");
      }
      values[i] = kw.getValue();
      set[i] = true;
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      if (!set[i]) {
        if (params.get(i).required()) {
          missing.add("'" + params.get(i).name() + "'");
        } else {
          values[i] = params.get(i).defaultValue();
        }
      }
    }
    if (!missing.isEmpty()) {
      throw PyException.typeError(qualified + "() missing " + missing.size() + " required positional argument"
          + (missing.size() == 1 ? "" : "s") + ": " + names(missing));
    }
    return m.body().call(new Args(qualified, params, values));
  }

  private static int indexOf(List<Param> params, String name) {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** CPython's list of missing names: 'a'; 'a' and 'b'; 'a', 'b', and 'c'. */
  private static String names(List<String> quoted) {
    if (quoted.size() == 1) {
      return quoted.get(0);
    }
    if (quoted.size() == 2) {
      return quoted.get(0) + " and " + quoted.get(1);
    }
    return String.join(", ", quoted.subList(0, quoted.size() - 1)) + ", and " + quoted.get(quoted.size() - 1);
  }

  /** Helper for subclasses: Python's {@code dict.get(key, default)} on a scenario. */
  protected static Object get(Map<String, Object> scenario, String key, Object dflt) {
    return scenario.containsKey(key) ? scenario.get(key) : dflt;
  }

  /** Helper for state(): an insertion-ordered map from alternating names and values. */
  protected static Map<String, Object> attributes(Object... namesAndValues) {
    return dict(namesAndValues);
  }

  /** A dict display {@code {"k1": v1, ...}} (str keys, insertion order), as the methods return them. */
  protected static Map<String, Object> dict(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  static List<Object> listOf(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }
}
