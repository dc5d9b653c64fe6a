package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.exec.CallParser;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.exec.Expr;
import io.shiq.bfcl.exec.StateJson;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyValues;
import io.shiq.policy.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * What the backend tests share: driving one class through the shared BFCL records' ground-truth calls against
 * golden/, reading and replaying the Python-made case files of the test resources, and BFCL's result string of a
 * direct call.
 */
final class BackendTestSupport {
  /** Reads the case files, some of which hold NaN and Infinity (as Python's json writes them). */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private BackendTestSupport() {}

  /** What a run over the golden records compared. */
  record Compared(long records, long calls, long states) {}

  /** golden/ground_truth_execution.jsonl and golden/ground_truth_state.jsonl by record id. */
  private record Golden(Map<String, JsonNode> executions, Map<String, JsonNode> states) {}

  /** Read once per test JVM: several tests run the same golden records. */
  private static Golden goldenFiles;

  private static synchronized Golden golden(Path dir) throws IOException {
    if (goldenFiles == null) {
      goldenFiles = new Golden(byId(dir.resolve("golden/ground_truth_execution.jsonl")),
          byId(dir.resolve("golden/ground_truth_state.jsonl")));
    }
    return goldenFiles;
  }

  private static Map<String, JsonNode> byId(Path file) throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode n : BfclData.lines(file).values()) {
      out.put(n.get("id").asText(), n);
    }
    return out;
  }

  /** The shared records (every category, in file order) that involve {@code className}. */
  private static List<BfclRecord> records(Path dir, String className) throws IOException {
    List<BfclRecord> out = new ArrayList<>();
    for (BfclRecord r : BfclData.load(dir, List.of())) {
      if (r.involvedClasses().contains(className)) {
        out.add(r);
      }
    }
    return out;
  }

  /** {@link #checkGolden(String, Consumer)} with the instance as created. */
  static Compared checkGolden(String className) throws IOException {
    return checkGolden(className, b -> { });
  }

  /**
   * Runs every shared record that involves {@code className} as {@link #runRecord} does, {@code configure} applied
   * to each new instance before its scenario is loaded (a clock), and returns what was compared.
   */
  static Compared checkGolden(String className, Consumer<Backend> configure) throws IOException {
    Path dir = TestData.require("bfcl");
    Golden g = golden(dir);
    long[] counts = new long[3];
    for (BfclRecord r : records(dir, className)) {
      runRecord(r, g, className, configure, counts);
    }
    return new Compared(counts[0], counts[1], counts[2]);
  }

  /** {@link #checkGolden(String, Consumer)}, and the numbers of records, calls and states it must have compared. */
  static void assertGolden(String className, Consumer<Backend> configure, long records, long calls, long states)
      throws IOException {
    Compared c = checkGolden(className, configure);
    assertEquals(records, c.records(), "shared records involving " + className);
    assertEquals(calls, c.calls(), className + " ground-truth calls compared");
    assertEquals(states, c.states(), className + " states compared (one per turn)");
  }

  /** {@link #assertGolden(String, Consumer, long, long, long)} with the instance as created. */
  static void assertGolden(String className, long records, long calls, long states) throws IOException {
    assertGolden(className, b -> { }, records, calls, states);
  }

  /**
   * One test per shared record that involves {@code className}, each as {@link #runRecord} runs it, and a last one
   * that hands {@code totals} what was compared.
   */
  static Stream<DynamicTest> goldenTests(String className, Consumer<Compared> totals) throws IOException {
    Path dir = TestData.require("bfcl");
    Golden g = golden(dir);
    long[] counts = new long[3];
    List<DynamicTest> tests = new ArrayList<>();
    for (BfclRecord r : records(dir, className)) {
      tests.add(dynamicTest(r.id(), () -> runRecord(r, g, className, b -> { }, counts)));
    }
    tests.add(dynamicTest("compared", () -> {
      Compared c = new Compared(counts[0], counts[1], counts[2]);
      System.out.printf("%s golden: %d records, %d calls, %d states compared%n", className, c.records(), c.calls(),
          c.states());
      totals.accept(c);
    }));
    return tests.stream();
  }

  /**
   * One record, in a fresh process as far as the ports' process-wide state goes: the class alone runs the record's
   * ground-truth calls that name its methods (no method name is shared between BFCL's classes, so the other
   * classes' calls cannot reach it); each such result must equal golden/ground_truth_execution.jsonl, and the class's
   * canonical state after every turn golden/ground_truth_state.jsonl. Adds a record, its calls and its states to
   * {@code counts}.
   */
  private static void runRecord(BfclRecord r, Golden g, String className, Consumer<Backend> configure,
                                long[] counts) {
    JsonNode execution = g.executions().get(r.id());
    JsonNode state = g.states().get(r.id());
    assertNotNull(execution, r.id() + ": no golden execution");
    assertNotNull(state, r.id() + ": no golden state");
    TwitterAPI.resetSharedDefaults();
    TravelAPI.resetSharedExtensions();
    ExecutionSession session = new ExecutionSession(r.initialConfig(), List.of(className), r.longContext(),
        configure);
    Backend backend = session.instances().get(className);
    for (int t = 0; t < r.groundTruth().size(); t++) {
      List<String> calls = r.groundTruth().get(t);
      for (int i = 0; i < calls.size(); i++) {
        String call = calls.get(i);
        if (CallParser.parse(call) instanceof Expr.Call c && backend.hasMethod(c.name())) {
          String expected = execution.get("execution_results").get(t).get(i).asText();
          assertEquals(expected, session.execute(call), r.id() + " turn " + t + " call " + i + ": " + call);
          counts[1]++;
        }
      }
      JsonNode expectedState = state.get("state_after_turn").get(t).get(className);
      assertEquals(PyJson.dumps(PyValues.fromJson(expectedState), true), canonicalState(backend),
          r.id() + " state after turn " + t);
      counts[2]++;
    }
    counts[0]++;
  }

  /** The canonical state JSON of golden/ (keys sorted), as the golden states and the case files hold it. */
  static String canonicalState(Backend backend) {
    return PyJson.dumps(StateJson.canonical(backend.state()), true);
  }

  /**
   * The lines of a test resource next to this class, as JSON, leaving out blank lines and "#" comments (a case file
   * says how it was made in its first line or in comments).
   */
  static List<JsonNode> resourceLines(String resource) {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = BackendTestSupport.class.getResourceAsStream(resource)) {
      assertNotNull(in, "resource " + resource);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** A Python value from a case file's JSON. */
  @SuppressWarnings("unchecked")
  static <T> T python(JsonNode n) {
    return (T) PyValues.fromJson(n);
  }

  /**
   * BFCL's result string of a direct call (multi_turn_utils.execute_multi_turn_func_call), for values no call string
   * can spell (NaN) or calls on instances the test made.
   */
  static String call(Backend b, String method, List<Object> args, Map<String, Object> kwargs) {
    try {
      return ExecutionSession.resultString(b.invoke(method, args, kwargs));
    } catch (PyException e) {
      return "Error during execution: " + e.pyStr();
    }
  }

  /** {@link #call(Backend, String, List, Map)} with positional arguments only (null for None). */
  static String call(Backend b, String method, Object... args) {
    return call(b, method, Arrays.asList(args), Map.of());
  }

  /**
   * A result as a case file records it: the string itself, or for a long one its {@code head}, {@code length} and
   * {@code sha256} (hex of the UTF-8 bytes).
   */
  static void assertResult(JsonNode want, String got, String where) {
    if (want.isTextual()) {
      assertEquals(want.asText(), got, where);
      return;
    }
    assertTrue(got.startsWith(want.get("head").asText()), where + ": want head " + want.get("head").asText()
        + "\n  got " + got);
    assertEquals(want.get("length").asInt(), got.length(), where + " length");
    assertEquals(want.get("sha256").asText(), sha256(got), where + " sha256");
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * One test per case of a resource made by running BFCL's Python (its first line says how): each "load" step starts
   * a new session with that scenario, each "call" step executes a call string; results, load errors and the
   * canonical state after every step must equal the recorded ones.
   */
  static Stream<DynamicTest> stepCases(String className, String resource) {
    List<JsonNode> lines = resourceLines(resource);
    assertTrue(lines.get(0).has("how_made"), "first line of " + resource + " says how it was made");
    return lines.subList(1, lines.size()).stream().map(c -> dynamicTest(c.get("name").asText(),
        () -> runSteps(className, c)));
  }

  private static void runSteps(String className, JsonNode c) {
    TwitterAPI.resetSharedDefaults(); // the generator resets post_tweet.__defaults__ before each case
    ExecutionSession session = null;
    JsonNode steps = c.get("steps");
    JsonNode expected = c.get("expected");
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = steps.get(i);
      JsonNode want = expected.get(i);
      String where = c.get("name").asText() + " step " + i + " " + step;
      if (step.has("load")) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(className, python(step.get("load")));
        try {
          session = new ExecutionSession(config, List.of(className), step.path("long_context").asBoolean(false));
        } catch (PyException e) {
          assertEquals(want.path("load_error").asText(null), e.pyStr(), where);
          session = null;
          continue;
        }
        assertTrue(!want.has("load_error"), where + " should fail: " + want.path("load_error").asText());
      } else {
        assertEquals(want.get("result").asText(), session.execute(step.get("call").asText()), where);
      }
      assertEquals(want.get("state").asText(), canonicalState(session.instances().get(className)), where);
    }
  }
}
