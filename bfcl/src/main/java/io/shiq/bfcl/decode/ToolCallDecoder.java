package io.shiq.bfcl.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.backend.Backend;
import io.shiq.bfcl.backend.Backends;
import io.shiq.bfcl.exec.CallParser;
import io.shiq.bfcl.exec.CallSyntaxError;
import io.shiq.bfcl.exec.Expr;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The model's tool calls as BFCL decodes them into execution strings, in either {@link CallStyle}, and the ground
 * truth written as a model would write it. Decoding never throws: whatever the text, the answer is a
 * {@link DecodedCalls}, failed with a message where BFCL's decoder raises.
 */
public final class ToolCallDecoder {
  private ToolCallDecoder() {}

  /** One model output, decoded as BFCL's decoder for {@code style} decodes it. */
  public static DecodedCalls decode(String modelOutput, CallStyle style) {
    Objects.requireNonNull(style, "style");
    if (modelOutput == null) {
      return DecodedCalls.failure("no model output");
    }
    try {
      return style == CallStyle.FUNCTION_CALLING ? QwenToolCalls.decode(modelOutput)
          : PythonCallList.decode(modelOutput);
    } catch (PyException e) {
      return DecodedCalls.failure(e.type() + ": " + e.pyStr());
    } catch (RuntimeException e) {
      return DecodedCalls.failure("cannot decode: " + e); // a gap in the port; never an exception to the caller
    }
  }

  /**
   * One step of a BFCL result file, in whatever form BFCL wrote it: a raw string (decoded with {@code style}, or
   * when it is null with FUNCTION_CALLING if the text contains {@code <tool_call>}, else PROMPTING); a list of
   * strings (already-decoded call strings, taken as they are); or FC-API form, a list of {@code {name: arguments}}
   * objects whose arguments are a JSON string or an object ({@code convert_to_function_call}; one object alone is
   * read as a list of it).
   */
  public static DecodedCalls decodeStep(JsonNode step, CallStyle style) {
    if (step == null || step.isNull() || step.isMissingNode()) {
      return DecodedCalls.failure("no step");
    }
    if (step.isTextual()) {
      String text = step.asText();
      CallStyle s = style != null ? style
          : text.contains("<tool_call>") ? CallStyle.FUNCTION_CALLING : CallStyle.PROMPTING;
      return decode(text, s);
    }
    List<JsonNode> items = new ArrayList<>();
    if (step.isObject()) {
      items.add(step);
    } else if (step.isArray()) {
      step.forEach(items::add);
    } else {
      return DecodedCalls.failure("a step is text, a list of call strings or a list of {name: arguments} objects, "
          + "not " + step);
    }
    if (items.stream().allMatch(JsonNode::isTextual)) {
      return DecodedCalls.of(items.stream().map(JsonNode::asText).toList());
    }
    if (!items.stream().allMatch(JsonNode::isObject)) {
      return DecodedCalls.failure("a step list holds neither only call strings nor only {name: arguments} objects: "
          + step);
    }
    try {
      List<String> calls = new ArrayList<>();
      for (JsonNode item : items) {
        for (Map.Entry<String, JsonNode> call : (Iterable<Map.Entry<String, JsonNode>>) item::fields) {
          JsonNode args = call.getValue();
          String error = QwenToolCalls.appendCall(call.getKey(),
              args.isTextual() ? args.asText() : PyValues.fromJson(args), calls);
          if (error != null) {
            return DecodedCalls.failure(error);
          }
        }
      }
      return DecodedCalls.of(calls);
    } catch (PyException e) {
      return DecodedCalls.failure(e.type() + ": " + e.pyStr());
    }
  }

  /**
   * The ground-truth calls as a model following {@code style} writes them. FUNCTION_CALLING: one
   * {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>} block per call (json.dumps with its default
   * separators), joined by "\n". PROMPTING: {@code [c1, c2]}, each call {@code name(k=repr(v), ...)}. Positional
   * arguments (the ground truth has a few, {@code sort('final_report.pdf')}) are written as keywords, named by the
   * ported method's signature: BFCL's prompting decoder drops positional arguments and JSON has no place for them.
   *
   * @throws IllegalArgumentException naming the call when it is not a call of literals, a positional argument's
   *                                  method is unknown, or (FUNCTION_CALLING) a value has no JSON form that reads
   *                                  back as the same Python value (a tuple, a set, a dict key other than str)
   */
  public static String render(List<String> groundTruthCalls, CallStyle style) {
    Objects.requireNonNull(style, "style");
    List<String> out = new ArrayList<>();
    for (String call : groundTruthCalls) {
      Expr.Call c = parseCall(call);
      Map<String, Object> args = arguments(c, call);
      if (style == CallStyle.FUNCTION_CALLING) {
        args.forEach((k, v) -> requireJson(v, call, k));
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("name", c.target());
        block.put("arguments", args);
        out.add("<tool_call>\n" + PyJson.dumps(block) + "\n</tool_call>");
      } else {
        StringJoiner text = new StringJoiner(", ", c.target() + "(", ")");
        args.forEach((k, v) -> text.add(k + "=" + PyRepr.repr(v)));
        out.add(text.toString());
      }
    }
    return style == CallStyle.FUNCTION_CALLING ? String.join("\n", out) : "[" + String.join(", ", out) + "]";
  }

  private static Expr.Call parseCall(String call) {
    Expr e;
    try {
      e = CallParser.parse(call);
    } catch (CallSyntaxError err) {
      throw new IllegalArgumentException("ground-truth call " + call + " does not parse: " + err.getMessage(), err);
    }
    if (!(e instanceof Expr.Call c)) {
      throw new IllegalArgumentException("ground truth " + call + " is not a call");
    }
    return c;
  }

  /** The call's arguments by name: positional ones named by the method's signature, then the keywords. */
  private static Map<String, Object> arguments(Expr.Call c, String call) {
    Map<String, Object> args = new LinkedHashMap<>();
    if (!c.args().isEmpty()) {
      List<String> names = Signatures.of(c.name(), call);
      if (c.args().size() > names.size()) {
        throw new IllegalArgumentException(call + " passes " + c.args().size() + " positional arguments; "
            + c.name() + " takes " + names.size());
      }
      for (int i = 0; i < c.args().size(); i++) {
        args.put(names.get(i), literal(c.args().get(i), call));
      }
    }
    for (int i = 0; i < c.keywords().size(); i++) {
      if (args.containsKey(c.keywords().get(i))) {
        throw new IllegalArgumentException(call + " passes " + c.keywords().get(i) + " twice");
      }
      args.put(c.keywords().get(i), literal(c.keywordValues().get(i), call));
    }
    return args;
  }

  /** The Python value of a literal expression, as eval gives it. */
  private static Object literal(Expr e, String call) {
    if (e instanceof Expr.Literal l) {
      return l.value();
    }
    if (e instanceof Expr.Unary u) {
      Object v = literal(u.operand(), call);
      if (v instanceof Boolean b) {
        v = b ? 1L : 0L;
      }
      if (!(PyTypes.isInt(v) || v instanceof Double)) {
        throw new IllegalArgumentException(call + ": unary " + u.op() + " of a " + PyTypes.name(v));
      }
      if (u.op() == '+') {
        return v;
      }
      if (v instanceof Double d) {
        return -d;
      }
      return PyNumbers.intValue(PyNumbers.toBigInteger(v).negate());
    }
    if (e instanceof Expr.ListExpr l) {
      List<Object> out = new ArrayList<>();
      l.items().forEach(x -> out.add(literal(x, call)));
      return out;
    }
    if (e instanceof Expr.TupleExpr t) {
      List<Object> out = new ArrayList<>();
      t.items().forEach(x -> out.add(literal(x, call)));
      return new PyTuple(out);
    }
    if (e instanceof Expr.SetExpr s) {
      Set<Object> out = new LinkedHashSet<>();
      for (Expr x : s.items()) {
        Object v = literal(x, call);
        if (!PyContainers.contains(out, v)) {
          out.add(v);
        }
      }
      return out;
    }
    if (e instanceof Expr.DictExpr d) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < d.keys().size(); i++) {
        PyContainers.setItem(out, literal(d.keys().get(i), call), literal(d.values().get(i), call));
      }
      return out;
    }
    throw new IllegalArgumentException(call + ": argument " + PythonCallList.unparse(e) + " is not a literal");
  }

  /** Throws unless json.loads(json.dumps(v)) is v again. */
  private static void requireJson(Object v, String call, String arg) {
    if (v == null || v instanceof Boolean || v instanceof String || v instanceof Double || v instanceof Long
        || v instanceof BigInteger) {
      return;
    }
    if (v instanceof List<?> l) {
      l.forEach(x -> requireJson(x, call, arg));
      return;
    }
    if (v instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(call + ": argument " + arg + " has a dict key " + PyRepr.repr(e.getKey())
              + " that JSON would turn into a str");
        }
        requireJson(e.getValue(), call, arg);
      }
      return;
    }
    throw new IllegalArgumentException(call + ": argument " + arg + " holds a " + PyTypes.name(v)
        + ", which has no JSON form that reads back as the same value");
  }

  /** The parameter names of every ported method, for naming positional arguments. */
  private static final class Signatures {
    /** Method name to parameter names; null where two classes name them differently. */
    private static final Map<String, List<String>> BY_METHOD = build();

    private static Map<String, List<String>> build() {
      Map<String, List<String>> out = new HashMap<>();
      for (String className : Backends.NAMES) {
        Backend b = Backends.create(className);
        for (String method : b.methodNames()) {
          List<String> names = b.parameterNames(method);
          if (out.containsKey(method) && !Objects.equals(out.get(method), names)) {
            out.put(method, null);
          } else {
            out.put(method, names);
          }
        }
      }
      return Collections.unmodifiableMap(out);
    }

    static List<String> of(String method, String call) {
      if (!BY_METHOD.containsKey(method)) {
        throw new IllegalArgumentException(call + ": no BFCL class has a method " + method
            + " to name its positional arguments");
      }
      List<String> names = BY_METHOD.get(method);
      if (names == null) {
        throw new IllegalArgumentException(call + ": BFCL classes name the parameters of " + method
            + " differently; write its arguments as keywords");
      }
      return names;
    }
  }
}
