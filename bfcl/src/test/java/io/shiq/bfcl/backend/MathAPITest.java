package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.exec.StateJson;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyValues;
import io.shiq.policy.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MathAPI} against BFCL's Python: (a) the ground-truth calls of the shared BFCL records that involve it, against
 * {@code golden/} (result strings and the empty state after every turn), and (b) 1481 calls made by running BFCL's
 * math_api.py under CPython 3.11.7 and mpmath 1.3.0 (resource {@code MathAPITest.jsonl}; see
 * {@code MathAPITest.README.md}), covering mpmath logarithms from 1 to 1100 digits, Decimal square roots, float powers,
 * rounding, int arithmetic of any size and every error path; and (c) NaN arguments, which no call string can spell,
 * with the values CPython 3.11.7 gave (quoted where used).
 */
class MathAPITest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CATEGORIES = List.of("base", "long_context", "miss_func", "miss_param");

  private static List<JsonNode> jsonLines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static Map<String, JsonNode> byId(Path file) throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode n : jsonLines(file)) {
      out.put(n.get("id").asText(), n);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> dict(JsonNode n) {
    return (Map<String, Object>) PyValues.fromJson(n);
  }

  @Test
  void groundTruthCallsGiveGoldenResultsAndStates() throws IOException {
    Path dir = TestData.require("bfcl");
    Map<String, JsonNode> executions = byId(dir.resolve("golden/ground_truth_execution.jsonl"));
    Map<String, JsonNode> states = byId(dir.resolve("golden/ground_truth_state.jsonl"));
    int records = 0;
    int calls = 0;
    int stateChecks = 0;
    for (String category : CATEGORIES) {
      Map<String, JsonNode> answers = byId(dir.resolve("possible_answer/BFCL_v4_multi_turn_" + category + ".json"));
      for (JsonNode record : jsonLines(dir.resolve("BFCL_v4_multi_turn_" + category + ".json"))) {
        List<String> involved = new ArrayList<>();
        record.get("involved_classes").forEach(c -> involved.add(c.asText()));
        if (!involved.contains("MathAPI")) {
          continue;
        }
        records++;
        String id = record.get("id").asText();
        // Only this class is instantiated; the other classes' calls are skipped (no method name is shared).
        ExecutionSession session = new ExecutionSession(dict(record.get("initial_config")), List.of("MathAPI"),
            category.equals("long_context"));
        Backend math = session.instances().get("MathAPI");
        JsonNode turns = answers.get(id).get("ground_truth");
        for (int t = 0; t < turns.size(); t++) {
          for (int c = 0; c < turns.get(t).size(); c++) {
            String call = turns.get(t).get(c).asText();
            if (!math.hasMethod(call.substring(0, call.indexOf('(')).trim())) {
              continue;
            }
            calls++;
            String want = executions.get(id).get("execution_results").get(t).get(c).asText();
            assertEquals(want, session.execute(call), id + " turn " + t + " call " + c + " " + call);
          }
          stateChecks++;
          String want = PyJson.dumps(PyValues.fromJson(states.get(id).get("state_after_turn").get(t).get("MathAPI")),
              true);
          assertEquals(want, PyJson.dumps(StateJson.canonical(math.state()), true), id + " state after turn " + t);
        }
      }
    }
    assertEquals(6, records, "shared records involving MathAPI");
    assertEquals(4, calls, "MathAPI ground-truth calls compared");
    assertEquals(25, stateChecks, "states compared");
  }

  @Test
  void pythonMadeCallsGiveTheSameResultStrings() throws IOException {
    // One session for the whole file, as the expected values were made on one instance in one Python process.
    ExecutionSession session = new ExecutionSession(new LinkedHashMap<>(), List.of("MathAPI"), false);
    List<String> failures = new ArrayList<>();
    int n = 0;
    try (InputStream in = MathAPITest.class.getResourceAsStream("MathAPITest.jsonl");
         BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode c = JSON.readTree(line);
        if (!c.has("call")) {
          continue; // the first line says how the file was made
        }
        n++;
        String got = session.execute(c.get("call").asText());
        if (!got.equals(c.get("expected").asText())) {
          failures.add(c.get("call").asText() + "\n    expected " + c.get("expected").asText() + "\n    got      "
              + got);
        }
      }
    }
    assertEquals(1481, n, "cases");
    assertTrue(failures.isEmpty(), failures.size() + " of " + n + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
  }

  /** A direct call, its result turned into BFCL's result string (a dict as json.dumps, else str()). */
  private static String call(Backend b, String method, Object... args) {
    Object result;
    try {
      result = b.invoke(method, Arrays.asList(args), Map.of());
    } catch (PyException e) {
      return "Error during execution: " + e.pyStr();
    }
    try {
      return PyJson.dumps(result);
    } catch (PyException e) {
      return PyRepr.str(result);
    }
  }

  @Test
  void nanArgumentsGivePythonsResults() {
    MathAPI m = new MathAPI();
    double nan = Double.NaN;
    // CPython 3.11.7 + mpmath 1.3.0, m = MathAPI(), nan = float('nan'), result strings as BFCL's executor makes them:
    assertEquals("{'result': Decimal('NaN')}", call(m, "square_root", nan, 5L)); // m.square_root(nan, 5)
    assertEquals("{'result': Decimal('NaN')}", call(m, "square_root", -nan, 3L)); // Decimal.from_float(-nan)
    assertEquals("{\"result\": NaN}", call(m, "absolute_value", nan));
    assertEquals("{\"result\": NaN}", call(m, "round_number", nan)); // round(nan, 0) is nan
    assertEquals("Error during execution: cannot convert float NaN to integer", call(m, "round_number", nan, null));
    assertEquals("{'result': mpf('nan')}", call(m, "logarithm", nan, 2L, 5L));
    assertEquals("{'result': mpf('nan')}", call(m, "logarithm", 2L, nan, 5L));
    assertEquals("{\"error\": \"cannot convert float NaN to integer\"}", call(m, "logarithm", 2L, 3L, nan));
    assertEquals("{\"result\": NaN}", call(m, "min_value", List.of(nan, 1L)));
    assertEquals("{\"result\": 1}", call(m, "min_value", List.of(1L, nan))); // nan < 1 is False
    assertEquals("{\"result\": NaN}", call(m, "max_value", List.of(nan, 1L)));
    assertEquals("{\"result\": 1.0}", call(m, "power", nan, 0L));
    assertEquals("{\"result\": 1.0}", call(m, "power", 1L, nan));
    assertEquals("{\"result\": NaN}", call(m, "power", 2L, nan));
    assertEquals("{\"result\": NaN}", call(m, "mean", List.of(nan)));
    assertEquals("{\"result\": NaN}", call(m, "standard_deviation", List.of(1L, nan)));
    assertEquals("{\"result\": NaN}", call(m, "divide", nan, 2L));
    assertEquals("{\"result\": NaN}", call(m, "percentage", 1L, nan));
    assertEquals("{\"result\": NaN}", call(m, "si_unit_conversion", nan, "km", "m"));
    assertEquals("{\"result\": NaN}", call(m, "imperial_si_conversion", nan, "celsius", "fahrenheit"));
    assertEquals("{\"result\": NaN}", call(m, "multiply", nan, 0L));
    assertEquals("{\"result\": NaN}", call(m, "sum_values", List.of(nan, 1L)));
  }

  @Test
  void isStatelessWithNoPublicAttributes() {
    MathAPI m = new MathAPI();
    assertFalse(m.stateful()); // BFCL's STATELESS_CLASSES
    m.loadScenario(new LinkedHashMap<>(Map.of("anything", 1L)), true);
    assertEquals(Map.of(), m.state()); // vars(MathAPI()) holds only _api_description
    assertEquals(List.of("logarithm", "mean", "standard_deviation", "si_unit_conversion", "imperial_si_conversion",
        "add", "subtract", "multiply", "divide", "power", "square_root", "absolute_value", "round_number",
        "percentage", "min_value", "max_value", "sum_values"), new ArrayList<>(m.methodNames()));
  }

  @Test
  void glibcPowKnownNearHalfwayCases() {
    // CPython 3.11.7 on glibc 2.36 (x86-64, FMA): x ** y differs from the correctly rounded value in these cases.
    assertEquals(4.863100524403323e-07, MathAPI.GlibcPow.pow(4.518391746930911, -9.638537571319716));
    assertEquals(0.09321310008723022, MathAPI.GlibcPow.pow(3.2451337989966325, -2.015761577734276));
    assertEquals(3.3045593900128344e+133, MathAPI.GlibcPow.pow(6.687536879524499, 161.78914776277406));
  }
}
