package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VehicleControlAPI} against BFCL's own Python: (a) the shared records' ground-truth calls give the golden
 * result strings and states ({@code ../shared/data/bfcl/golden/}); (b) hand-written cases for edge and error paths
 * give what BFCL's vehicle_control.py gave (VehicleControlAPITest.cases.jsonl, see its README).
 */
class VehicleControlAPITest {
  private static final String CLASS = "VehicleControlAPI";

  // ---- (a) golden records ---------------------------------------------------------------------------------------

  @Test
  void groundTruthOfSharedRecordsMatchesGolden() throws Exception {
    // Only this class is instantiated: calls of the other classes of a record are left out (they cannot change this
    // class's state).
    BackendTestSupport.Compared c = BackendTestSupport.checkGolden(CLASS);
    // 8 base, 2 long_context, 2 miss_func, 2 miss_param records involve the class in the shared sample.
    assertEquals(14, c.records(), "records involving " + CLASS);
    assertTrue(c.calls() >= 50, "calls compared: " + c.calls());
    System.out.println(CLASS + " golden: " + c.records() + " records, " + c.calls() + " calls and " + c.states()
        + " states equal");
  }

  // ---- (b) cases run on BFCL's Python ---------------------------------------------------------------------------

  static Stream<JsonNode> cases() {
    return BackendTestSupport.resourceLines("VehicleControlAPITest.cases.jsonl").stream();
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("cases")
  void caseMatchesPython(JsonNode c) {
    String name = c.get("name").asText();
    VehicleControlAPI v = new VehicleControlAPI();
    v.loadScenario(BackendTestSupport.python(c.get("scenario")), c.get("long_context").asBoolean());
    JsonNode calls = c.get("calls");
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      String where = name + " call " + i + " " + call;
      String got = BackendTestSupport.call(v, call.get("method").asText(), BackendTestSupport.python(call.get("args")),
          BackendTestSupport.python(call.get("kwargs")));
      BackendTestSupport.assertResult(c.get("results").get(i), got, where);
      JsonNode state = c.get("states").get(i);
      if (!state.isNull()) {
        assertEquals(state.asText(), PyJson.dumps(v.state(), true), where + " state");
      }
    }
    if (c.has("state_keys")) {
      List<String> keys = new ArrayList<>();
      c.get("state_keys").forEach(k -> keys.add(k.asText()));
      assertEquals(keys, new ArrayList<>(v.state().keySet()), "vars() order");
    }
    if (c.has("methods")) {
      assertMethodsMatch(c.get("methods"));
    }
  }

  /**
   * The declared methods are Python's public methods with the same parameters, in the same order, required or not,
   * checked through binding errors alone (raised before a body runs). Defaults are covered by the cases.
   */
  private static void assertMethodsMatch(JsonNode methods) {
    VehicleControlAPI v = new VehicleControlAPI();
    List<String> names = new ArrayList<>();
    for (JsonNode m : methods) {
      String name = m.get(0).asText();
      names.add(name);
      JsonNode params = m.get(1);
      List<String> required = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        String param = params.get(i).get(0).asText();
        if (params.get(i).get(1).asBoolean()) {
          required.add("'" + param + "'");
        }
        // Position i is this name: passing it both ways is "multiple values".
        List<Object> positional = new ArrayList<>();
        for (int j = 0; j <= i; j++) {
          positional.add(null);
        }
        Map<String, Object> kw = new HashMap<>();
        kw.put(param, null);
        assertEquals(CLASS + "." + name + "() got multiple values for argument '" + param + "'",
            bindError(v, name, positional, kw), name + " parameter " + i);
      }
      List<Object> tooMany = new ArrayList<>();
      for (int i = 0; i <= params.size(); i++) {
        tooMany.add(null);
      }
      int n = params.size() + 1; // with self, as CPython counts
      String takes = required.size() == params.size() ? n + " positional argument" + (n == 1 ? "" : "s")
          : "from " + (required.size() + 1) + " to " + n + " positional arguments";
      assertEquals(CLASS + "." + name + "() takes " + takes + " but " + (n + 1) + " were given",
          bindError(v, name, tooMany, Map.of()), name);
      if (!required.isEmpty()) {
        int last = required.size() - 1;
        String list = last == 0 ? required.get(0) : last == 1 ? required.get(0) + " and " + required.get(1)
            : String.join(", ", required.subList(0, last)) + ", and " + required.get(last);
        assertEquals(CLASS + "." + name + "() missing " + required.size() + " required positional argument"
            + (required.size() == 1 ? "" : "s") + ": " + list, bindError(v, name, List.of(), Map.of()), name);
      }
    }
    List<String> declared = new ArrayList<>(v.methodNames());
    declared.sort(String::compareTo);
    assertEquals(names, declared, "public methods");
  }

  private static String bindError(Backend b, String method, List<Object> args, Map<String, Object> kwargs) {
    try {
      b.invoke(method, args, kwargs);
      return "";
    } catch (PyException e) {
      return e.pyStr();
    }
  }

  // ---- direct checks of the Python-semantics helpers ------------------------------------------------------------

  @Test
  void stateIsEmptyBeforeLoading() {
    assertTrue(new VehicleControlAPI().state().isEmpty());
    assertEquals(CLASS, Backends.create(CLASS).className());
  }
}
