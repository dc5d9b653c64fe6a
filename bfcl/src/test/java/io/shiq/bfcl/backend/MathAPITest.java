package io.shiq.bfcl.backend;

import static io.shiq.bfcl.backend.BackendTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.exec.ExecutionSession;
import java.io.IOException;
import java.util.ArrayList;
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
  @Test
  void groundTruthCallsGiveGoldenResultsAndStates() throws IOException {
    BackendTestSupport.assertGolden("MathAPI", 6, 4, 25);
  }

  @Test
  void pythonMadeCallsGiveTheSameResultStrings() {
    // One session for the whole file, as the expected values were made on one instance in one Python process.
    ExecutionSession session = new ExecutionSession(new LinkedHashMap<>(), List.of("MathAPI"), false);
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (JsonNode c : BackendTestSupport.resourceLines("MathAPITest.jsonl")) {
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
    assertEquals(1481, n, "cases");
    assertTrue(failures.isEmpty(), failures.size() + " of " + n + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
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
  void resultsOfMoreThan4300DigitsGiveCpythonsError() {
    // BFCL's executor on math_api.py under CPython 3.11.7: json.dumps and then str() of {"result": 10**4300} raise
    // ValueError, whose text becomes the result; 10**4299 (4300 digits) still prints.
    ExecutionSession session = new ExecutionSession(new LinkedHashMap<>(), List.of("MathAPI"), false);
    assertEquals("Error during execution: Exceeds the limit (4300 digits) for integer string conversion; use "
        + "sys.set_int_max_str_digits() to increase the limit", session.execute("power(10, 4300)"));
    assertEquals("{\"result\": 1" + "0".repeat(4299) + "}", session.execute("power(10, 4299)"));
  }
}
