package io.shiq.bfcl.decode;

import io.shiq.bfcl.exec.CallParser;
import io.shiq.bfcl.exec.CallSyntaxError;
import io.shiq.bfcl.exec.Expr;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyFloat;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL's decoder of prompting output ({@code default_decode_execute_prompting} in {@code model_handler/utils.py}):
 * the text, stripped of backticks, newlines and spaces at both ends and wrapped in [ ] where either is missing, is
 * parsed as a Python expression whose items must all be calls ({@code ast_parse}). Of each call only the keyword
 * arguments are kept ({@code resolve_ast_call}), their values read by {@code resolve_ast_by_type}, and the call
 * string written by {@code decoded_output_to_execution_list} with {@code parse_nested_value}.
 *
 * <p>BFCL's value rules, kept as they are: a bare name is its own text ({@code x=abc} gives {@code 'abc'}); any
 * unary operator negates a constant ({@code +5} gives {@code -5}); a nested call with keywords becomes a call again
 * ({@code g(y=2)}, its positional arguments dropped), one without keywords becomes the text of the call
 * ({@code 'g(1)'}); a set is an error; a dict whose values are all dicts is written as a call of its first key
 * ({@code {'a': {'b': 1}}} gives {@code a(b=1)}), so an empty dict is an IndexError; any other dict is written
 * {@code {'k': v}} with the key's str() between single quotes.
 */
final class PythonCallList {
  private PythonCallList() {}

  static DecodedCalls decode(String output) {
    String text = strip(output, "`\n ");
    if (!text.startsWith("[")) {
      text = "[" + text;
    }
    if (!text.endsWith("]")) {
      text = text + "]";
    }
    Expr body;
    try {
      body = CallParser.parseAst(text);
    } catch (CallSyntaxError e) {
      // ast.parse names its source <unknown> where eval() says <string>
      return DecodedCalls.failure("SyntaxError: " + e.pythonMessage().replace("(<string>,", "(<unknown>,"));
    }
    if (!(body instanceof Expr.ListExpr list)) {
      return DecodedCalls.failure("AttributeError: '" + astType(body) + "' object has no attribute 'elts'");
    }
    try {
      List<Map.Entry<String, Map<Object, Object>>> decoded = new ArrayList<>();
      for (int i = 0; i < list.items().size(); i++) {
        if (!(list.items().get(i) instanceof Expr.Call call)) {
          return DecodedCalls.failure("AssertionError: item " + i + " of the list is not a function call but a "
              + astType(list.items().get(i)));
        }
        decoded.add(Map.entry(call.target(), keywords(call)));
      }
      List<String> calls = new ArrayList<>();
      for (Map.Entry<String, Map<Object, Object>> call : decoded) {
        calls.add(call.getKey() + "(" + arguments(call.getValue()) + ")");
      }
      return DecodedCalls.of(calls);
    } catch (PyException e) {
      return DecodedCalls.failure(e.type() + ": " + e.pyStr());
    }
  }

  /** Python's {@code str.strip(chars)}. */
  static String strip(String s, String chars) {
    int start = 0;
    int end = s.length();
    while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }

  /** {@code resolve_ast_call}: the keyword arguments only, in order. */
  private static Map<Object, Object> keywords(Expr.Call call) {
    Map<Object, Object> args = new LinkedHashMap<>();
    for (int i = 0; i < call.keywords().size(); i++) {
      args.put(call.keywords().get(i), resolve(call.keywordValues().get(i)));
    }
    return args;
  }

  /** {@code resolve_ast_by_type}. */
  private static Object resolve(Expr e) {
    if (e instanceof Expr.Literal l) {
      return l.value();
    }
    if (e instanceof Expr.Unary u) {
      if (!(u.operand() instanceof Expr.Literal l)) {
        throw PyException.attributeError("'" + astType(u.operand()) + "' object has no attribute 'value'");
      }
      return negate(l.value()); // -value.operand.value, whatever the operator
    }
    if (e instanceof Expr.ListExpr l) {
      List<Object> out = new ArrayList<>();
      l.items().forEach(x -> out.add(resolve(x)));
      return out;
    }
    if (e instanceof Expr.DictExpr d) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < d.keys().size(); i++) {
        Object k = resolve(d.keys().get(i));
        PyContainers.setItem(out, k, resolve(d.values().get(i)));
      }
      return out;
    }
    if (e instanceof Expr.Name n) {
      return n.name();
    }
    if (e instanceof Expr.Call c) {
      if (c.keywords().isEmpty()) {
        return unparse(c);
      }
      Map<Object, Object> call = new LinkedHashMap<>(); // {name: {keywords}}, a dict like any other
      call.put(c.target(), keywords(c));
      return call;
    }
    if (e instanceof Expr.TupleExpr t) {
      List<Object> out = new ArrayList<>();
      t.items().forEach(x -> out.add(resolve(x)));
      return new PyTuple(out);
    }
    throw new PyException("Exception", "Unsupported AST type: <class 'ast." + astType(e) + "'>");
  }

  private static Object negate(Object v) {
    if (v instanceof Boolean b) {
      v = b ? 1L : 0L;
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
    throw PyException.typeError("bad operand type for unary -: '" + PyTypes.name(v) + "'");
  }

  /** {@code ", ".join(f"{k}={parse_nested_value(v)}" ...)}. */
  private static String arguments(Map<?, ?> args) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<?, ?> e : args.entrySet()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(PyRepr.str(e.getKey())).append('=').append(nested(e.getValue()));
    }
    return out.toString();
  }

  /** {@code parse_nested_value}. */
  private static String nested(Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      return PyRepr.repr(v);
    }
    if (m.values().stream().allMatch(x -> x instanceof Map)) {
      if (m.isEmpty()) {
        throw PyException.indexError("list index out of range"); // list(value.keys())[0] of {}
      }
      Object name = m.keySet().iterator().next();
      return PyRepr.str(name) + "(" + arguments((Map<?, ?>) m.get(name)) + ")";
    }
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (out.length() > 1) {
        out.append(", ");
      }
      out.append('\'').append(PyRepr.str(e.getKey())).append("': ").append(nested(e.getValue()));
    }
    return out.append('}').toString();
  }

  /** {@code ast.unparse} of the expressions the parser reads. */
  static String unparse(Expr e) {
    if (e instanceof Expr.Literal l) {
      Object v = l.value();
      if (v instanceof Double d && Double.isInfinite(d)) {
        return "1e309"; // ast.unparse's spelling of an overflowing literal
      }
      return v instanceof Double d ? PyFloat.repr(d) : PyRepr.repr(v);
    }
    if (e instanceof Expr.Name n) {
      return n.name();
    }
    if (e instanceof Expr.Unary u) {
      return u.op() + unparse(u.operand());
    }
    if (e instanceof Expr.ListExpr l) {
      return "[" + join(l.items()) + "]";
    }
    if (e instanceof Expr.TupleExpr t) {
      return "(" + join(t.items()) + (t.items().size() == 1 ? ",)" : ")");
    }
    if (e instanceof Expr.SetExpr s) {
      return "{" + join(s.items()) + "}";
    }
    if (e instanceof Expr.DictExpr d) {
      StringBuilder out = new StringBuilder("{");
      for (int i = 0; i < d.keys().size(); i++) {
        out.append(i == 0 ? "" : ", ").append(unparse(d.keys().get(i))).append(": ")
            .append(unparse(d.values().get(i)));
      }
      return out.append('}').toString();
    }
    Expr.Call c = (Expr.Call) e;
    StringBuilder out = new StringBuilder(c.target()).append('(').append(join(c.args()));
    for (int i = 0; i < c.keywords().size(); i++) {
      out.append(c.args().isEmpty() && i == 0 ? "" : ", ").append(c.keywords().get(i)).append('=')
          .append(unparse(c.keywordValues().get(i)));
    }
    return out.append(')').toString();
  }

  private static String join(List<Expr> items) {
    StringBuilder out = new StringBuilder();
    for (Expr x : items) {
      out.append(out.length() == 0 ? "" : ", ").append(unparse(x));
    }
    return out.toString();
  }

  /** The name of the Python ast class the parser's expression stands for. */
  static String astType(Expr e) {
    if (e instanceof Expr.Literal) {
      return "Constant";
    }
    if (e instanceof Expr.Name) {
      return "Name";
    }
    if (e instanceof Expr.ListExpr) {
      return "List";
    }
    if (e instanceof Expr.TupleExpr) {
      return "Tuple";
    }
    if (e instanceof Expr.SetExpr) {
      return "Set";
    }
    if (e instanceof Expr.DictExpr) {
      return "Dict";
    }
    if (e instanceof Expr.Unary) {
      return "UnaryOp";
    }
    return "Call";
  }
}
