package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.py.PyValues;
import java.io.IOException;
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

  @Test
  void groundTruthCallsGiveGoldenResultsAndStates() throws IOException {
    BackendTestSupport.assertGolden("MessageAPI", 8, 15, 39);
  }

  @Test
  void pythonMadeScenariosGiveTheSameResultsAndStates() {
    List<String> failures = new ArrayList<>();
    int scenarios = 0;
    int calls = 0;
    for (JsonNode s : BackendTestSupport.resourceLines("MessageAPITest.jsonl")) {
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
      String got = BackendTestSupport.canonicalState(session.instances().get("MessageAPI"));
      if (!s.get("state").asText().equals(got)) {
        failures.add("scenario " + scenarios + " state\n    expected " + s.get("state").asText()
            + "\n    got      " + got);
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
    Map<String, Object> scenario = BackendTestSupport.python(JSON.valueToTree(Map.of("inbox", List.of(Map.of("USR002",
        "hi")))));
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
  void strAndFloatSeedsAreSeededAsRandomRandomSeedsThem() {
    // CPython 3.11: random.Random('abc') then two randint(10000, 99999) give 83160, 70319; random.Random(1.5) gives
    // 82320, 43566 (the first message id is the first draw).
    for (Object[] c : new Object[][] {{"abc", 83160L}, {1.5, 82320L}}) {
      MessageAPI m = new MessageAPI();
      m.loadScenario(new LinkedHashMap<>(Map.of("random_seed", c[0])), false);
      m.invoke("message_login", List.of("USR001"), Map.of());
      Object sent = m.invoke("send_message", List.of("USR002", "hi"), Map.of());
      assertEquals(c[1], ((Map<?, ?>) ((Map<?, ?>) sent).get("message_id")).get("new_id"), "seed " + c[0]);
    }
  }
}
