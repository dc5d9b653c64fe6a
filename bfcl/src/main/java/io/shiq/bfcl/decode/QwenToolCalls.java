package io.shiq.bfcl.decode;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTypes;
import io.shiq.bfcl.py.PyValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BFCL's decoder of Qwen's function-calling output ({@code QwenFCHandler.decode_execute} and
 * {@code _extract_tool_calls}) and of FC-API steps ({@code convert_to_function_call}).
 *
 * <p>Each {@code <tool_call>\n...\n</tool_call>} block (the shortest, left to right, as the regex
 * {@code <tool_call>\n(.*?)\n</tool_call>} with DOTALL finds them) is read as JSON; a block that is not JSON is
 * skipped without a word. Every block must hold an object with "name" and "arguments"; the call string is
 * {@code name(k1=repr(v1),k2=repr(v2))}: no space after the commas, Python's repr of the JSON values.
 */
final class QwenToolCalls {
  private static final String OPEN = "<tool_call>\n";
  private static final String CLOSE = "\n</tool_call>";
  /** json.loads: NaN and Infinity are numbers; text after the value is an error. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private QwenToolCalls() {}

  static DecodedCalls decode(String output) {
    List<Object> items = new ArrayList<>();
    for (String block : blocks(output)) {
      JsonNode n = loads(block);
      if (n != null) {
        items.add(PyValues.fromJson(n));
      }
    }
    // decode_execute: every item a dict, then {item["name"]: item["arguments"]} for each, then the call strings.
    for (Object item : items) {
      if (!(item instanceof Map)) {
        return DecodedCalls.failure("ValueError: Model did not return a list of function calls: " + output);
      }
    }
    List<Object[]> named = new ArrayList<>();
    for (Object item : items) {
      Map<?, ?> m = (Map<?, ?>) item;
      for (String key : List.of("name", "arguments")) {
        if (!m.containsKey(key)) {
          return DecodedCalls.failure("KeyError: '" + key + "'");
        }
      }
      Object name = m.get("name");
      try {
        PyContainers.requireHashable(name);
      } catch (PyException e) {
        return DecodedCalls.failure(e.type() + ": " + e.pyStr());
      }
      named.add(new Object[] {name, m.get("arguments")});
    }
    List<String> calls = new ArrayList<>();
    for (Object[] call : named) {
      String error = appendCall(call[0], call[1], calls);
      if (error != null) {
        return DecodedCalls.failure(error);
      }
    }
    return DecodedCalls.of(calls);
  }

  /**
   * {@code convert_to_function_call} for one {name: arguments} pair: arguments given as a str are read as JSON
   * first; they must then be a dict. Returns the error, or null after appending the call string.
   */
  static String appendCall(Object name, Object arguments, List<String> out) {
    Object args = arguments;
    if (args instanceof String text) {
      JsonNode n = loads(text);
      if (n == null) {
        return "JSONDecodeError: the arguments of " + PyRepr.str(name) + " are not JSON: " + text;
      }
      args = PyValues.fromJson(n);
    }
    if (!(args instanceof Map<?, ?> m)) {
      return "AttributeError: '" + PyTypes.name(args) + "' object has no attribute 'items'";
    }
    StringBuilder call = new StringBuilder(PyRepr.str(name)).append('(');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!first) {
        call.append(',');
      }
      first = false;
      call.append(PyRepr.str(e.getKey())).append('=').append(PyRepr.repr(e.getValue()));
    }
    out.add(call.append(')').toString());
    return null;
  }

  /** {@code json.loads(text)}, or null where it raises. */
  static JsonNode loads(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      return n == null || n.isMissingNode() ? null : n;
    } catch (IOException e) {
      return null; // StreamConstraintsException too: nesting, number or string past Jackson's limits
    }
  }

  /** The regex's matches, found with indexOf: linear in the text however many tags it holds. */
  static List<String> blocks(String text) {
    List<String> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = text.indexOf(OPEN, from);
      if (open < 0) {
        return out;
      }
      int close = text.indexOf(CLOSE, open + OPEN.length());
      if (close < 0) {
        return out; // no later close: no later open can match either
      }
      out.add(text.substring(open + OPEN.length(), close));
      from = close + CLOSE.length();
    }
  }
}
