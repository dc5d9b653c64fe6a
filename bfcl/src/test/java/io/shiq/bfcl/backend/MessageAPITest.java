package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.exec.StateJson;
import io.shiq.bfcl.py.PyJson;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageAPI} against BFCL's Python: (a) the ground-truth calls of the shared BFCL records that involve it,
 * against {@code golden/} (result strings and canonical state after every turn), and (b) scenarios run by BFCL's
 * message_api.py under CPython 3.11.7 (resource {@code MessageAPITest.jsonl}; see {@code MessageAPITest.README.md}):
 * the default state, seeded message ids, every error path, Python's dict-key and list.remove semantics, and inboxes of
 * unexpected shapes.
 */
class MessageAPITest {
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

  private static String stateText(Backend b) {
    return PyJson.dumps(StateJson.canonical(b.state()), true);
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
        if (!involved.contains("MessageAPI")) {
          continue;
        }
        records++;
        String id = record.get("id").asText();
        // Only this class is instantiated; the other classes' calls are skipped (no method name is shared).
        ExecutionSession session = new ExecutionSession(dict(record.get("initial_config")), List.of("MessageAPI"),
            category.equals("long_context"));
        Backend messages = session.instances().get("MessageAPI");
        JsonNode turns = answers.get(id).get("ground_truth");
        for (int t = 0; t < turns.size(); t++) {
          for (int c = 0; c < turns.get(t).size(); c++) {
            String call = turns.get(t).get(c).asText();
            if (!messages.hasMethod(call.substring(0, call.indexOf('(')).trim())) {
              continue;
            }
            calls++;
            String want = executions.get(id).get("execution_results").get(t).get(c).asText();
            assertEquals(want, session.execute(call), id + " turn " + t + " call " + c + " " + call);
          }
          stateChecks++;
          JsonNode golden = states.get(id).get("state_after_turn").get(t).get("MessageAPI");
          assertEquals(PyJson.dumps(PyValues.fromJson(golden), true), stateText(messages),
              id + " state after turn " + t);
        }
      }
    }
    assertEquals(8, records, "shared records involving MessageAPI");
    assertEquals(15, calls, "MessageAPI ground-truth calls compared");
    assertEquals(39, stateChecks, "states compared");
  }

  @Test
  void pythonMadeScenariosGiveTheSameResultsAndStates() throws IOException {
    List<String> failures = new ArrayList<>();
    int scenarios = 0;
    int calls = 0;
    try (InputStream in = MessageAPITest.class.getResourceAsStream("MessageAPITest.jsonl");
         BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode s = JSON.readTree(line);
        if (!s.has("scenario")) {
          continue; // the first line says how the file was made
        }
        scenarios++;
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("MessageAPI", PyValues.fromJson(s.get("scenario")));
        ExecutionSession session = new ExecutionSession(config, List.of("MessageAPI"),
            s.get("long_context").asBoolean());
        for (int i = 0; i < s.get("calls").size(); i++) {
          calls++;
          String call = s.get("calls").get(i).asText();
          String want = s.get("expected").get(i).asText();
          String got = session.execute(call);
          if (!want.equals(got)) {
            failures.add("scenario " + scenarios + " " + call + "\n    expected " + want + "\n    got      " + got);
          }
        }
        String got = stateText(session.instances().get("MessageAPI"));
        if (!s.get("state").asText().equals(got)) {
          failures.add("scenario " + scenarios + " state\n    expected " + s.get("state").asText()
              + "\n    got      " + got);
        }
      }
    }
    assertEquals(18, scenarios, "scenarios");
    assertEquals(131, calls, "calls");
    assertTrue(failures.isEmpty(), failures.size() + " differences:\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
  }

  @Test
  void stateIsEmptyBeforeLoadingAndHoldsTheScenarioObjectsAfter() {
    MessageAPI m = new MessageAPI();
    assertEquals(Map.of(), m.state()); // vars() before _load_scenario holds only _api_description
    Map<String, Object> scenario = dict(JSON.valueToTree(Map.of("inbox", List.of(Map.of("USR002", "hi")))));
    m.loadScenario(scenario, false);
    assertEquals(List.of("generated_ids", "user_count", "user_map", "inbox", "message_count", "current_user"),
        new ArrayList<>(m.state().keySet()));
    // self.inbox = scenario.get("inbox", ...): the scenario's own list, mutated in place by send_message
    assertSame(scenario.get("inbox"), m.state().get("inbox"));
    m.invoke("message_login", List.of("USR001"), Map.of());
    m.invoke("send_message", List.of("USR002", "again"), Map.of());
    assertEquals(2, ((List<?>) scenario.get("inbox")).size());
  }

  @Test
  void nonIntegerSeedsAreRefused() {
    // random.Random("x") seeds through a hash of the string, which this port does not reproduce.
    MessageAPI m = new MessageAPI();
    Map<String, Object> scenario = new LinkedHashMap<>(Map.of("random_seed", "abc"));
    assertThrows(IllegalArgumentException.class, () -> m.loadScenario(scenario, false));
  }
}
