package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TravelAPI} against BFCL's Python: (a) the ground-truth calls of the shared records that involve TravelAPI,
 * result strings and states compared with {@code golden/}; (b) error paths and edge cases from
 * {@code TravelAPITest-cases.jsonl} (made by running BFCL's travel_booking.py; see {@code TravelAPITest-README.md}).
 */
class TravelAPITest {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  @AfterEach
  void freshProcess() {
    TravelAPI.resetSharedExtensions();
  }

  @Test
  void groundTruthMatchesGolden() throws IOException {
    Path data = TestData.require("bfcl");
    Map<String, JsonNode> answers = new LinkedHashMap<>();
    try (var files = Files.list(data.resolve("possible_answer"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        for (JsonNode n : lines(f)) {
          answers.put(n.get("id").asText(), n.get("ground_truth"));
        }
      }
    }
    Map<String, JsonNode> executions = byId(data.resolve("golden/ground_truth_execution.jsonl"));
    Map<String, JsonNode> states = byId(data.resolve("golden/ground_truth_state.jsonl"));
    int records = 0;
    int calls = 0;
    int stateChecks = 0;
    try (var files = Files.list(data)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("BFCL_v4_multi_turn_")).sorted()
          .toList()) {
        for (JsonNode record : lines(f)) {
          boolean involved = false;
          for (JsonNode c : record.get("involved_classes")) {
            involved |= c.asText().equals("TravelAPI");
          }
          if (!involved) {
            continue;
          }
          records++;
          String id = record.get("id").asText();
          TravelAPI.resetSharedExtensions();
          @SuppressWarnings("unchecked")
          Map<String, Object> config = (Map<String, Object>) PyValues.fromJson(record.get("initial_config"));
          ExecutionSession session = new ExecutionSession(config, List.of("TravelAPI"), id.contains("long_context"));
          Backend travel = session.instances().get("TravelAPI");
          JsonNode turns = answers.get(id);
          for (int t = 0; t < turns.size(); t++) {
            for (int i = 0; i < turns.get(t).size(); i++) {
              String call = turns.get(t).get(i).asText();
              if (!travel.hasMethod(call.substring(0, call.indexOf('(')).strip())) {
                continue;
              }
              String expected = executions.get(id).get("execution_results").get(t).get(i).asText();
              assertEquals(expected, session.execute(call), id + " turn " + t + ": " + call);
              calls++;
            }
            JsonNode golden = states.get(id).get("state_after_turn").get(t).get("TravelAPI");
            assertEquals(PyJson.dumps(PyValues.fromJson(golden), true),
                PyJson.dumps(StateJson.canonical(travel.state()), true), id + " state after turn " + t);
            stateChecks++;
          }
        }
      }
    }
    assertEquals(15, records);
    assertEquals(62, calls, "TravelAPI calls compared");
    assertEquals(72, stateChecks, "TravelAPI states compared (one per turn)");
  }

  @Test
  void casesMatchPython() throws IOException {
    int cases = 0;
    int calls = 0;
    try (InputStream in = TravelAPITest.class.getResourceAsStream("TravelAPITest-cases.jsonl");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode c = JSON.readTree(line);
        String name = c.get("name").asText();
        TravelAPI.resetSharedExtensions();
        List<TravelAPI> instances = new ArrayList<>();
        for (int i = 0; i < c.get("instances").size(); i++) {
          JsonNode spec = c.get("instances").get(i);
          TravelAPI api = new TravelAPI();
          if (c.hasNonNull("today")) {
            ZoneId zone = ZoneId.systemDefault();
            api.setClock(Clock.fixed(LocalDate.parse(c.get("today").asText()).atTime(10, 30).atZone(zone)
                .toInstant(), zone));
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> config = (Map<String, Object>) PyValues.fromJson(spec.get("config"));
          JsonNode loadError = c.get("load_errors").get(i);
          if (loadError.isNull()) {
            api.loadScenario(config, spec.get("long_context").asBoolean());
          } else {
            PyException e = assertThrows(PyException.class,
                () -> api.loadScenario(config, spec.get("long_context").asBoolean()));
            assertEquals(loadError.asText(), e.type() + ": " + e.pyStr(), name);
          }
          instances.add(api);
        }
        for (int k = 0; k < c.get("calls").size(); k++) {
          JsonNode call = c.get("calls").get(k);
          @SuppressWarnings("unchecked")
          List<Object> args = (List<Object>) PyValues.fromJson(call.get(2));
          @SuppressWarnings("unchecked")
          Map<String, Object> kwargs = (Map<String, Object>) PyValues.fromJson(call.get(3));
          String got = resultString(instances.get(call.get(0).asInt()), call.get(1).asText(), args, kwargs);
          assertEquals(c.get("results").get(k).asText(), got, name + " call " + k + ": " + call);
          calls++;
        }
        for (int i = 0; i < instances.size(); i++) {
          JsonNode state = c.get("states").get(i);
          if (!state.isNull()) {
            assertEquals(state.asText(), PyJson.dumps(StateJson.canonical(instances.get(i).state()), true),
                name + " state of instance " + i);
          }
        }
        cases++;
      }
    }
    assertEquals(20, cases);
    assertEquals(263, calls, "calls compared");
  }

  @Test
  void noPublicStateBeforeTheScenarioIsLoaded() {
    TravelAPI api = new TravelAPI();
    assertTrue(api.state().isEmpty());
    api.loadScenario(new LinkedHashMap<>(), false);
    assertEquals(List.of("credit_card_list", "booking_record", "access_token", "token_type", "token_expires_in",
        "token_scope", "user_first_name", "user_last_name", "budget_limit", "long_context"),
        new ArrayList<>(api.state().keySet()));
  }

  @Test
  void scenarioDictsAndReturnedCardsAreTheLiveObjects() {
    Map<String, Object> scenario = new LinkedHashMap<>();
    Map<String, Object> cards = new LinkedHashMap<>();
    scenario.put("credit_card_list", cards);
    TravelAPI api = new TravelAPI();
    api.loadScenario(scenario, false);
    assertSame(cards, api.state().get("credit_card_list"));
    @SuppressWarnings("unchecked")
    Map<String, Object> listed = (Map<String, Object>) api.invoke("get_all_credit_cards", List.of(), Map.of());
    assertSame(cards, listed.get("credit_card_list"));
  }

  @Test
  void longContextExtensionsAreSharedUntilReset() {
    TravelAPI first = new TravelAPI();
    first.loadScenario(new LinkedHashMap<>(Map.of("access_token", "t", "token_expires_in", 1L)), true);
    first.invoke("purchase_insurance", List.of("t", "x", "booking_901", 100L, "1234567812345678"), Map.of());
    TravelAPI second = new TravelAPI();
    second.loadScenario(new LinkedHashMap<>(), true);
    assertEquals(4900.0, cardBalance(second, "1234567812345678"));
    TravelAPI.resetSharedExtensions();
    TravelAPI third = new TravelAPI();
    third.loadScenario(new LinkedHashMap<>(), true);
    assertEquals(5000.0, cardBalance(third, "1234567812345678"));
    assertEquals(4900.0, cardBalance(second, "1234567812345678"));
  }

  @Test
  void floatHashIsCPythons() {
    // hash(1.5), hash(-0.1), hash(1e300), hash(-1.0), hash(0.0) printed by CPython 3.11.7.
    assertEquals(1152921504606846977L, TravelAPI.floatHash(1.5));
    assertEquals(-230584300921369408L, TravelAPI.floatHash(-0.1));
    assertEquals(-2L, TravelAPI.floatHash(-1.0));
    assertEquals(0L, TravelAPI.floatHash(0.0));
    assertEquals(141053L, TravelAPI.floatHash(141053.0));
  }

  @Test
  void theDefaultClockIsTheSystemClock() {
    TravelAPI api = new TravelAPI();
    Map<String, Object> scenario = new LinkedHashMap<>(Map.of("user_first_name", "A", "user_last_name", "B"));
    api.loadScenario(scenario, false);
    String born = LocalDate.now().minusYears(18).plusDays(2).toString();
    Object result = api.invoke("verify_traveler_information", List.of("A", "B", born, "US1"), Map.of());
    assertFalse(PyJson.dumps(result).contains("\"verification_status\": true"), PyRepr.repr(result));
  }

  private static double cardBalance(TravelAPI api, String cardId) {
    @SuppressWarnings("unchecked")
    Map<String, Object> cards = (Map<String, Object>) api.state().get("credit_card_list");
    @SuppressWarnings("unchecked")
    Map<String, Object> card = (Map<String, Object>) cards.get(cardId);
    return (Double) card.get("balance");
  }

  /** BFCL's executor's result string for one call (multi_turn_utils.execute_multi_turn_func_call). */
  private static String resultString(Backend b, String method, List<Object> args, Map<String, Object> kwargs) {
    try {
      Object result = b.invoke(method, args, kwargs);
      if (result instanceof String s) {
        return s;
      }
      if (result instanceof Map) {
        try {
          return PyJson.dumps(result);
        } catch (PyException notSerializable) {
          return PyRepr.str(result);
        }
      }
      return PyRepr.str(result);
    } catch (PyException e) {
      return "Error during execution: " + e.pyStr();
    }
  }

  private static List<JsonNode> lines(Path f) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static Map<String, JsonNode> byId(Path f) throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode n : lines(f)) {
      out.put(n.get("id").asText(), n);
    }
    return out;
  }
}
