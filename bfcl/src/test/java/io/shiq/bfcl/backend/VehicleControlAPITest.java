package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.exec.CallParser;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.exec.Expr;
import io.shiq.bfcl.exec.StateJson;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyValues;
import io.shiq.policy.TestData;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLASS = "VehicleControlAPI";

  // ---- (a) golden records ---------------------------------------------------------------------------------------

  @Test
  void groundTruthOfSharedRecordsMatchesGolden() throws Exception {
    Path dir = TestData.require("bfcl");
    Map<String, JsonNode> results = golden(dir.resolve("golden/ground_truth_execution.jsonl"));
    Map<String, JsonNode> states = golden(dir.resolve("golden/ground_truth_state.jsonl"));
    int records = 0;
    int calls = 0;
    int stateTurns = 0;
    for (BfclRecord r : BfclData.load(dir, List.of())) {
      if (!r.involvedClasses().contains(CLASS)) {
        continue;
      }
      records++;
      // Only this class is instantiated: calls of the other classes of a record are left out (they cannot change
      // this class's state).
      ExecutionSession session = new ExecutionSession(r.initialConfig(), List.of(CLASS), r.longContext());
      Backend vehicle = session.instances().get(CLASS);
      JsonNode expectedResults = results.get(r.id()).get("execution_results");
      JsonNode expectedStates = states.get(r.id()).get("state_after_turn");
      for (int t = 0; t < r.groundTruth().size(); t++) {
        List<String> turn = r.groundTruth().get(t);
        for (int c = 0; c < turn.size(); c++) {
          Expr e = CallParser.parse(turn.get(c));
          if (!(e instanceof Expr.Call call) || !vehicle.hasMethod(call.name())) {
            continue;
          }
          calls++;
          assertEquals(expectedResults.get(t).get(c).asText(), session.execute(turn.get(c)),
              r.id() + " turn " + t + " call " + c + " " + turn.get(c));
        }
        stateTurns++;
        String want = PyJson.dumps(PyValues.fromJson(expectedStates.get(t).get(CLASS)), true);
        assertEquals(want, PyJson.dumps(StateJson.canonical(vehicle.state()), true),
            r.id() + " state after turn " + t);
      }
    }
    // 8 base, 2 long_context, 2 miss_func, 2 miss_param records involve the class in the shared sample.
    assertEquals(14, records, "records involving " + CLASS);
    assertTrue(calls >= 50, "calls compared: " + calls);
    System.out.println(CLASS + " golden: " + records + " records, " + calls + " calls and " + stateTurns
        + " states equal");
  }

  private static Map<String, JsonNode> golden(Path file) throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode n : BfclData.lines(file).values()) {
      out.put(n.get("id").asText(), n);
    }
    return out;
  }

  // ---- (b) cases run on BFCL's Python ---------------------------------------------------------------------------

  static Stream<JsonNode> cases() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = VehicleControlAPITest.class.getResourceAsStream("VehicleControlAPITest.cases.jsonl")) {
      assertNotNull(in, "VehicleControlAPITest.cases.jsonl");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(JSON.readTree(line));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void caseMatchesPython(JsonNode c) throws Exception {
    String name = c.get("name").asText();
    VehicleControlAPI v = new VehicleControlAPI();
    v.loadScenario((Map<String, Object>) PyValues.fromJson(c.get("scenario")), c.get("long_context").asBoolean());
    JsonNode calls = c.get("calls");
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      String where = name + " call " + i + " " + call;
      List<Object> args = (List<Object>) PyValues.fromJson(call.get("args"));
      Map<String, Object> kwargs = (Map<String, Object>) PyValues.fromJson(call.get("kwargs"));
      String got = resultString(v, call.get("method").asText(), args, kwargs);
      JsonNode want = c.get("results").get(i);
      if (want.isTextual()) {
        assertEquals(want.asText(), got, where);
      } else {
        assertEquals(want.get("head").asText(), got.substring(0, Math.min(200, got.length())), where);
        assertEquals(want.get("length").asInt(), got.length(), where);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(got.getBytes(StandardCharsets.UTF_8)));
        assertEquals(want.get("sha256").asText(), sha, where);
      }
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

  /** BFCL's executor's conversion of a return value or exception to its result string (multi_turn_utils.py). */
  private static String resultString(Backend b, String method, List<Object> args, Map<String, Object> kwargs) {
    try {
      Object r = b.invoke(method, args, kwargs);
      if (r instanceof String s) {
        return s;
      }
      if (r instanceof Map) {
        try {
          return PyJson.dumps(r);
        } catch (PyException e) {
          return PyRepr.str(r);
        }
      }
      return PyRepr.str(r);
    } catch (PyException e) {
      return "Error during execution: " + e.pyStr();
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
  void floatHashIsCpythons() {
    // Values printed by CPython 3.11: hash(1.5), hash(-2.5), hash(1e300), hash(-1.0), hash(0.1).
    assertEquals(1152921504606846977L, VehicleControlAPI.floatHash(1.5));
    assertEquals(-1152921504606846978L, VehicleControlAPI.floatHash(-2.5));
    assertEquals(-2L, VehicleControlAPI.floatHash(-1.0));
    assertEquals(1224995262755759164L, VehicleControlAPI.floatHash(1e300));
    assertEquals(3L, VehicleControlAPI.floatHash(3.0));
    assertEquals(230584300921369408L, VehicleControlAPI.floatHash(0.1));
    assertEquals(314159L, VehicleControlAPI.floatHash(Double.POSITIVE_INFINITY));
  }

  @Test
  void stateIsEmptyBeforeLoading() {
    assertTrue(new VehicleControlAPI().state().isEmpty());
    assertEquals(CLASS, Backends.create(CLASS).className());
  }
}
