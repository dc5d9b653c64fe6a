package io.shiq.bfcl.backend;

import static io.shiq.bfcl.backend.BackendTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyValues;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link TradingBot} against BFCL's Python: (a) the ground-truth calls of the shared BFCL records that involve it,
 * against {@code golden/} (result strings and canonical state after every turn), and (b) edge cases and error paths
 * against values produced by running BFCL's trading_bot.py (resource {@code TradingBotTest-cases.jsonl}, whose first
 * line says how it was made) and a few values computed in CPython 3.11.7, quoted where they are used.
 */
class TradingBotTest {
  private static Clock clockIn(String zone) {
    // Only the zone matters: trading_bot.py never reads the current time, only the local zone.
    return Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneId.of(zone));
  }

  @Test
  void groundTruthCallsGiveGoldenResultsAndStatesInAnyZone() {
    for (String zone : List.of("UTC", "America/Los_Angeles", "Asia/Kathmandu")) {
      assertDoesNotThrow(() -> BackendTestSupport.assertGolden("TradingBot",
          b -> ((TradingBot) b).setClock(clockIn(zone)), 17, 53, 64), zone);
    }
  }

  /** One case of TradingBotTest-cases.jsonl per dynamic test. */
  @TestFactory
  Stream<DynamicTest> edgeCasesMatchBfclPython() {
    List<JsonNode> lines = BackendTestSupport.resourceLines("TradingBotTest-cases.jsonl");
    assertTrue(lines.get(0).has("about"));
    List<JsonNode> cases = lines.subList(1, lines.size());
    assertEquals(51, cases.size());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> runCase(c)));
  }

  private static void runCase(JsonNode c) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("TradingBot", PyValues.fromJson(c.get("scenario")));
    boolean longContext = c.get("long_context").asBoolean();
    Clock clock = clockIn(c.get("tz").asText());
    if (c.has("load_error")) {
      PyException e = assertThrows(PyException.class, () -> new ExecutionSession(config, List.of("TradingBot"),
          longContext, b -> ((TradingBot) b).setClock(clock)));
      assertEquals(c.get("load_error").asText(), e.type() + ": " + e.pyStr());
      return;
    }
    ExecutionSession session = new ExecutionSession(config, List.of("TradingBot"), longContext,
        b -> ((TradingBot) b).setClock(clock));
    JsonNode calls = c.get("calls");
    for (int i = 0; i < calls.size(); i++) {
      String call = calls.get(i).asText();
      BackendTestSupport.assertResult(c.get("results").get(i), session.execute(call), call);
    }
    assertEquals(c.get("state").asText(), BackendTestSupport.canonicalState(session.instances().get("TradingBot")),
        "state");
  }

  @Test
  void notANumberFlowsThroughAsInPython() {
    // Expected strings: trading_bot.py under CPython 3.11.7, TZ=UTC, scenario {"authenticated": True,
    // "market_status": "Open"}, the same calls with float('nan') in order.
    TradingBot bot = new TradingBot();
    bot.setClock(clockIn("UTC"));
    Map<String, Object> scenario = new LinkedHashMap<>();
    scenario.put("authenticated", true);
    scenario.put("market_status", "Open");
    bot.loadScenario(scenario, false);
    double nan = Double.NaN;
    assertEquals("{\"order_id\": 12446, \"order_type\": \"Buy\", \"status\": \"Pending\", \"price\": NaN, "
        + "\"amount\": 1}", call(bot, "place_order", "Buy", "AAPL", nan, 1L));
    assertEquals("{\"order_id\": 12447, \"order_type\": \"Sell\", \"status\": \"Pending\", \"price\": 1.0, "
        + "\"amount\": NaN}", call(bot, "place_order", "Sell", "AAPL", 1L, nan));
    assertEquals("Error during execution: cannot convert float NaN to integer",
        call(bot, "place_order", "Buy", "AAPL", 1L, nan));
    assertEquals("{\"notification\": \"No significant price changes in the selected stocks.\"}",
        call(bot, "notify_price_change", List.of("AAPL"), nan));
    assertEquals("{\"filtered_stocks\": []}", call(bot, "filter_stocks_by_price", List.of("AAPL"), nan, 1000L));
    assertEquals("{\"status\": \"Account funded successfully\", \"new_balance\": NaN}",
        call(bot, "fund_account", nan));
    assertEquals("{\"status\": \"Withdrawal successful\", \"new_balance\": NaN}", call(bot, "withdraw_funds", 5L));
    assertEquals("{\"account_id\": 12345, \"balance\": NaN, \"binding_card\": 1974202140965533}",
        call(bot, "get_account_info"));
    assertEquals("{\"transaction_history\": [{\"type\": \"deposit\", \"amount\": NaN, \"timestamp\": "
        + "\"2024-09-02 05:40:15\"}, {\"type\": \"withdrawal\", \"amount\": 5, \"timestamp\": "
        + "\"2024-09-01 12:26:34\"}]}", call(bot, "get_transaction_history"));
  }

  @Test
  void declaresEveryPublicMethodInPythonOrder() {
    assertEquals(List.of("get_current_time", "get_symbol_by_name", "get_stock_info", "get_order_details",
        "cancel_order", "place_order", "withdraw_funds", "get_account_info", "trading_login",
        "trading_get_login_status", "trading_logout", "fund_account", "remove_stock_from_watchlist", "get_watchlist",
        "get_order_history", "get_transaction_history", "get_available_stocks", "filter_stocks_by_price",
        "add_to_watchlist", "notify_price_change"), new ArrayList<>(new TradingBot().methodNames()));
  }
}
