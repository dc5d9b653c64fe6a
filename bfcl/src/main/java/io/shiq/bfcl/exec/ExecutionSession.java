package io.shiq.bfcl.exec;

import io.shiq.bfcl.backend.Backend;
import io.shiq.bfcl.backend.Backends;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import io.shiq.bfcl.py.PyValues;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One record's class instances and BFCL's call executor over them ({@code execute_multi_turn_func_call} in
 * {@code multi_turn_utils.py}): BFCL keeps one set of instances per (model, record) across the record's turns; so
 * does a session. Each call string is evaluated as Python's {@code eval} would evaluate it after BFCL prefixes every
 * known method name with its instance, and its result becomes BFCL's result string: a str as it is, a dict as
 * {@code json.dumps} prints it (its {@code str()} when that fails), anything else as {@code str()}, and an exception as
 * {@code "Error during execution: " + str(e)}. Nothing escapes {@link #execute}.
 */
public final class ExecutionSession {
  /** The names BFCL refuses to call (checked on the first function name of a call string). */
  private static final Set<String> REFUSED = Set.of("kill", "exit", "quit", "remove", "unlink", "popen", "Popen",
      "run");
  /** BFCL's pattern of a function name before "(", with Python's Unicode \w and \b. */
  private static final Pattern FUNCTION_NAME = Pattern.compile("\\b([a-zA-Z_]\\w*)\\s*(?=\\()",
      Pattern.UNICODE_CHARACTER_CLASS);

  private final Map<String, Backend> instances = new LinkedHashMap<>();
  private final Map<String, Backend> methodOwner = new LinkedHashMap<>();

  /**
   * Creates the involved classes, loads each stateful one's scenario from a deep copy of
   * {@code initialConfig[ClassName]} with the category's long-context flag, and maps every public method name to its
   * instance (a later class wins a name, as BFCL's dict does).
   *
   * @param configure called on each new instance before its scenario is loaded (a fixed clock, for instance)
   */
  public ExecutionSession(Map<String, Object> initialConfig, List<String> involvedClasses, boolean longContext,
                          Consumer<Backend> configure) {
    for (String className : involvedClasses) {
      Backend b = Backends.create(className);
      configure.accept(b);
      if (b.stateful()) {
        Object scenario = initialConfig.get(className);
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = scenario instanceof Map<?, ?> m ? (Map<String, Object>) PyValues.deepCopy(m)
            : new LinkedHashMap<>();
        b.loadScenario(copy, longContext);
      }
      instances.put(className, b);
      for (String method : b.methodNames()) {
        methodOwner.put(method, b);
      }
    }
  }

  public ExecutionSession(Map<String, Object> initialConfig, List<String> involvedClasses, boolean longContext) {
    this(initialConfig, involvedClasses, longContext, b -> { });
  }

  /** The instances by class name, in involved order. */
  public Map<String, Backend> instances() {
    return Collections.unmodifiableMap(instances);
  }

  /** Executes each call string in order; one result string per call. */
  public List<String> execute(List<String> calls) {
    List<String> out = new ArrayList<>(calls.size());
    for (String call : calls) {
      out.add(execute(call));
    }
    return out;
  }

  /** Executes one call string and returns BFCL's result string for it. */
  public String execute(String call) {
    try {
      String refused = refusedName(call);
      if (refused != null) {
        throw PyException.exception("Function call " + refused + " is not allowed.");
      }
      return resultString(evaluate(CallParser.parse(call)));
    } catch (PyException e) {
      return "Error during execution: " + e.pyStr();
    } catch (CallSyntaxError e) {
      return "Error during execution: " + e.pythonMessage();
    } catch (RuntimeException e) {
      // A Java failure inside a port (a value of a type the Python code would have handled otherwise): still a
      // result string, never an exception out of the executor.
      return "Error during execution: " + e;
    }
  }

  /**
   * BFCL's check, done on the call string after its method names are prefixed: the text before the first "(", and of
   * that the part after the first "." when there is one.
   */
  private String refusedName(String call) {
    Matcher m = FUNCTION_NAME.matcher(call);
    StringBuilder prefixed = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      m.appendReplacement(prefixed, Matcher.quoteReplacement(methodOwner.containsKey(name) ? "instance." + name
          : name));
    }
    m.appendTail(prefixed);
    String head = prefixed.toString();
    if (head.contains("(")) {
      head = head.substring(0, head.indexOf('('));
    }
    if (head.contains(".")) {
      String[] parts = head.split("\\.", -1);
      head = parts[1];
    }
    return REFUSED.contains(head) ? head : null;
  }

  /**
   * BFCL's conversion of a return value to its result string: a str as it is, a dict as {@code json.dumps} prints it
   * (its {@code str()} when that fails), anything else as {@code str()}.
   */
  public static String resultString(Object result) {
    if (result instanceof String s) {
      return s;
    }
    if (result instanceof Map) {
      try {
        return PyJson.dumps(result);
      } catch (PyException notSerializable) {
        return PyRepr.str(result);
      }
    }
    return PyRepr.str(result);
  }

  /** Evaluates an expression on this session (tests use it for literals). */
  Object evaluateForTest(Expr e) {
    return evaluate(e);
  }

  private Object evaluate(Expr e) {
    if (e instanceof Expr.Literal l) {
      return l.value();
    }
    if (e instanceof Expr.Name n) {
      throw PyException.nameError(n.name());
    }
    if (e instanceof Expr.ListExpr l) {
      List<Object> out = new ArrayList<>();
      l.items().forEach(x -> out.add(evaluate(x)));
      return out;
    }
    if (e instanceof Expr.TupleExpr t) {
      List<Object> out = new ArrayList<>();
      t.items().forEach(x -> out.add(evaluate(x)));
      return new PyTuple(out);
    }
    if (e instanceof Expr.SetExpr s) {
      Set<Object> out = new LinkedHashSet<>();
      for (Expr x : s.items()) {
        Object v = evaluate(x);
        if (!PyContainers.contains(out, v)) { // hashes v first
          out.add(v);
        }
      }
      return out;
    }
    if (e instanceof Expr.DictExpr d) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < d.keys().size(); i++) {
        Object k = evaluate(d.keys().get(i));
        PyContainers.requireHashable(k);
        // A repeated key keeps its first spelling and takes the last value, as in Python.
        PyContainers.setItem(out, k, evaluate(d.values().get(i)));
      }
      return out;
    }
    if (e instanceof Expr.Unary u) {
      return unary(u.op(), evaluate(u.operand()));
    }
    Expr.Call c = (Expr.Call) e;
    if (c.target().contains(".")) {
      // BFCL's prefixing turns a.b(...) into a.<instance>.b(...); Python then fails on the first name.
      throw PyException.nameError(c.target().substring(0, c.target().indexOf('.')));
    }
    Backend owner = methodOwner.get(c.name());
    if (owner == null) {
      throw PyException.nameError(c.name());
    }
    List<Object> args = new ArrayList<>();
    c.args().forEach(x -> args.add(evaluate(x)));
    Map<String, Object> kwargs = new LinkedHashMap<>();
    for (int i = 0; i < c.keywords().size(); i++) {
      kwargs.put(c.keywords().get(i), evaluate(c.keywordValues().get(i)));
    }
    return owner.invoke(c.name(), args, kwargs);
  }

  private static Object unary(char op, Object v) {
    if (v instanceof Boolean b) {
      v = b ? 1L : 0L;
    }
    if (op == '+' && (v instanceof Long || v instanceof Double || v instanceof BigInteger)) {
      return v;
    }
    if (v instanceof Long l) {
      return l == Long.MIN_VALUE ? BigInteger.valueOf(l).negate() : (Object) (-l);
    }
    if (v instanceof BigInteger i) {
      return PyNumbers.intValue(i.negate());
    }
    if (v instanceof Double d) {
      return -d;
    }
    throw PyException.typeError("bad operand type for unary " + op + ": '" + PyTypes.name(v) + "'");
  }
}
