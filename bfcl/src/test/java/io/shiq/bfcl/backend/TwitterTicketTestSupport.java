package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * What {@link TwitterAPITest} and {@link TicketAPITest} share: driving one class through the shared BFCL records'
 * ground-truth calls against golden/, and replaying the Python-made cases of a test resource.
 */
final class TwitterTicketTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "BFCL_v4_multi_turn_";

  private TwitterTicketTestSupport() {}

  /**
   * One test per shared record that involves {@code className}: the class alone runs the record's ground-truth calls
   * that name its methods (no method name is shared between BFCL's classes, so the others' calls cannot reach it);
   * each such result must equal golden/ground_truth_execution.jsonl and the class's canonical state after every turn
   * golden/ground_truth_state.jsonl. A last test checks that something was compared.
   */
  static Stream<DynamicTest> golden(String className) throws IOException {
    Path dir = TestData.require("bfcl");
    Map<String, JsonNode> executions = byId(dir.resolve("golden/ground_truth_execution.jsonl"));
    Map<String, JsonNode> states = byId(dir.resolve("golden/ground_truth_state.jsonl"));
    List<DynamicTest> tests = new ArrayList<>();
    long[] counts = new long[3]; // records, calls, states
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*.json")) {
      ds.forEach(files::add);
    }
    files.sort(null);
    for (Path file : files) {
      String name = file.getFileName().toString();
      boolean longContext = name.equals(PREFIX + "long_context.json");
      Map<String, JsonNode> answers = byId(dir.resolve("possible_answer").resolve(name));
      for (JsonNode record : byId(file).values()) {
        List<String> involved = new ArrayList<>();
        record.get("involved_classes").forEach(c -> involved.add(c.asText()));
        if (!involved.contains(className)) {
          continue;
        }
        String id = record.get("id").asText();
        tests.add(dynamicTest(id, () -> {
          runRecord(className, record, longContext, answers.get(id), executions.get(id), states.get(id), counts);
          counts[0]++;
        }));
      }
    }
    tests.add(dynamicTest("compared", () -> {
      System.out.printf("%s golden: %d records, %d calls, %d states compared%n", className, counts[0], counts[1],
          counts[2]);
      assertTrue(counts[1] > 0 && counts[2] > 0, "nothing compared");
    }));
    return tests.stream();
  }

  @SuppressWarnings("unchecked")
  private static void runRecord(String className, JsonNode record, boolean longContext, JsonNode answer,
                                JsonNode execution, JsonNode state, long[] counts) {
    assertNotNull(answer, "possible answer");
    assertNotNull(execution, "golden execution");
    assertNotNull(state, "golden state");
    String id = record.get("id").asText();
    TwitterAPI.resetSharedDefaults();
    Map<String, Object> config = (Map<String, Object>) PyValues.fromJson(record.get("initial_config"));
    ExecutionSession session = new ExecutionSession(config, List.of(className), longContext);
    Backend backend = session.instances().get(className);
    JsonNode turns = answer.get("ground_truth");
    for (int t = 0; t < turns.size(); t++) {
      JsonNode calls = turns.get(t);
      for (int i = 0; i < calls.size(); i++) {
        String call = calls.get(i).asText();
        if (CallParser.parse(call) instanceof Expr.Call c && backend.hasMethod(c.name())) {
          String expected = execution.get("execution_results").get(t).get(i).asText();
          assertEquals(expected, session.execute(call), id + " turn " + t + " call " + i + ": " + call);
          counts[1]++;
        }
      }
      JsonNode expectedState = state.get("state_after_turn").get(t).get(className);
      assertEquals(PyJson.dumps(PyValues.fromJson(expectedState), true), canonicalState(backend),
          id + " state after turn " + t);
      counts[2]++;
    }
  }

  /**
   * One test per case of a resource made by running BFCL's Python (its first line says how): each "load" step starts
   * a new session with that scenario, each "call" step executes a call string; results, load errors and the
   * canonical state after every step must equal the recorded ones.
   */
  static Stream<DynamicTest> cases(String className, String resource) {
    List<JsonNode> lines = resourceLines(resource);
    assertTrue(lines.get(0).has("how_made"), "first line of " + resource + " says how it was made");
    return lines.subList(1, lines.size()).stream().map(c -> dynamicTest(c.get("name").asText(), () -> runCase(
        className, c)));
  }

  @SuppressWarnings("unchecked")
  private static void runCase(String className, JsonNode c) {
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
        config.put(className, PyValues.fromJson(step.get("load")));
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

  static String canonicalState(Backend backend) {
    return PyJson.dumps(StateJson.canonical(backend.state()), true);
  }

  private static List<JsonNode> resourceLines(String resource) {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = TwitterTicketTestSupport.class.getResourceAsStream(resource)) {
      assertNotNull(in, "resource " + resource);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** A JSON-lines file by "id", in file order. */
  private static Map<String, JsonNode> byId(Path file) throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        JsonNode n = JSON.readTree(line);
        out.put(n.get("id").asText(), n);
      }
    }
    return out;
  }
}
