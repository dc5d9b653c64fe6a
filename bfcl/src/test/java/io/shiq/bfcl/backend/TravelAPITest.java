package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyRepr;
import java.io.IOException;
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
  @AfterEach
  void freshProcess() {
    TravelAPI.resetSharedExtensions();
  }

  @Test
  void groundTruthMatchesGolden() throws IOException {
    BackendTestSupport.assertGolden("TravelAPI", 15, 62, 72);
  }

  @Test
  void casesMatchPython() {
    int cases = 0;
    int calls = 0;
    for (JsonNode c : BackendTestSupport.resourceLines("TravelAPITest-cases.jsonl")) {
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
        Map<String, Object> config = BackendTestSupport.python(spec.get("config"));
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
        String got = BackendTestSupport.call(instances.get(call.get(0).asInt()), call.get(1).asText(),
            BackendTestSupport.python(call.get(2)), BackendTestSupport.python(call.get(3)));
        assertEquals(c.get("results").get(k).asText(), got, name + " call " + k + ": " + call);
        calls++;
      }
      for (int i = 0; i < instances.size(); i++) {
        JsonNode state = c.get("states").get(i);
        if (!state.isNull()) {
          assertEquals(state.asText(), BackendTestSupport.canonicalState(instances.get(i)),
              name + " state of instance " + i);
        }
      }
      cases++;
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
}
