package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CATEGORIES = List.of("base", "long_context", "miss_func", "miss_param");

  private static Clock clockIn(String zone) {
    // Only the zone matters: trading_bot.py never reads the current time, only the local zone.
    return Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneId.of(zone));
  }

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
  void groundTruthCallsGiveGoldenResultsAndStatesInAnyZone() throws IOException {
    for (String zone : List.of("UTC", "America/Los_Angeles", "Asia/Kathmandu")) {
      checkGolden(zone);
    }
  }

  private void checkGolden(String zone) throws IOException {
    Path dir = TestData.require("bfcl");
    Map<String, JsonNode> executions = byId(dir.resolve("golden/ground_truth_execution.jsonl"));
    Map<String, JsonNode> states = byId(dir.resolve("golden/ground_truth_state.jsonl"));
    int records = 0;
    int calls = 0;
    int stateChecks = 0;
    List<String> failures = new ArrayList<>();
    for (String category : CATEGORIES) {
      Map<String, JsonNode> answers = byId(dir.resolve("possible_answer/BFCL_v4_multi_turn_" + category + ".json"));
      for (JsonNode record : jsonLines(dir.resolve("BFCL_v4_multi_turn_" + category + ".json"))) {
        List<String> involved = new ArrayList<>();
        record.get("involved_classes").forEach(c -> involved.add(c.asText()));
        if (!involved.contains("TradingBot")) {
          continue;
        }
        records++;
        String id = record.get("id").asText();
        // Only this class is instantiated: the other classes' calls are skipped (no method name is shared).
        ExecutionSession session = new ExecutionSession(dict(record.get("initial_config")), List.of("TradingBot"),
            category.equals("long_context"), b -> ((TradingBot) b).setClock(clockIn(zone)));
        Backend bot = session.instances().get("TradingBot");
        JsonNode turns = answers.get(id).get("ground_truth");
        for (int t = 0; t < turns.size(); t++) {
          for (int c = 0; c < turns.get(t).size(); c++) {
            String call = turns.get(t).get(c).asText();
            if (!bot.hasMethod(call.substring(0, call.indexOf('(')).trim())) {
              continue;
            }
            calls++;
            String want = executions.get(id).get("execution_results").get(t).get(c).asText();
            String got = session.execute(call);
            if (!want.equals(got)) {
              failures.add(id + " turn " + t + " " + call + ":\n  want " + want + "\n  got  " + got);
            }
          }
          stateChecks++;
          String want = PyJson.dumps(PyValues.fromJson(states.get(id).get("state_after_turn").get(t)
              .get("TradingBot")), true);
          String got = stateText(bot);
          if (!want.equals(got)) {
            failures.add(id + " state after turn " + t + ":\n  want " + want + "\n  got  " + got);
          }
        }
      }
    }
    assertEquals(List.of(), failures, zone);
    assertEquals(17, records);
    assertEquals(53, calls);
    assertEquals(64, stateChecks);
  }

  /** One case of TradingBotTest-cases.jsonl per dynamic test. */
  @TestFactory
  Stream<DynamicTest> edgeCasesMatchBfclPython() throws IOException {
    List<JsonNode> cases = new ArrayList<>();
    try (InputStream in = TradingBotTest.class.getResourceAsStream("TradingBotTest-cases.jsonl");
         BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String about = r.readLine();
      assertTrue(JSON.readTree(about).has("about"));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        cases.add(JSON.readTree(line));
      }
    }
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
    List<String> failures = new ArrayList<>();
    JsonNode calls = c.get("calls");
    for (int i = 0; i < calls.size(); i++) {
      String call = calls.get(i).asText();
      String got = session.execute(call);
      JsonNode want = c.get("results").get(i);
      String problem = want.isTextual() ? (want.asText().equals(got) ? null : "want " + want.asText())
          : compact(want, got);
      if (problem != null) {
        failures.add(call + ":\n  " + problem + "\n  got  " + got);
      }
    }
    String gotState = stateText(session.instances().get("TradingBot"));
    if (!c.get("state").asText().equals(gotState)) {
      failures.add("state:\n  want " + c.get("state").asText() + "\n  got  " + gotState);
    }
    assertEquals(List.of(), failures);
  }

  /** A long result kept as its SHA-256, length and head. */
  private static String compact(JsonNode want, String got) {
    if (!got.startsWith(want.get("head").asText()) || got.length() != want.get("length").asInt()) {
      return "want length " + want.get("length").asInt() + ", head " + want.get("head").asText();
    }
    try {
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(got.getBytes(StandardCharsets.UTF_8)));
      return sha.equals(want.get("sha256").asText()) ? null : "want sha256 " + want.get("sha256").asText();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** BFCL's executor conversion, for calls made with invoke() (NaN cannot be written in a call string). */
  private static String call(Backend b, String method, Object... args) {
    try {
      Object r = b.invoke(method, List.of(args), Map.of());
      if (r instanceof String s) {
        return s;
      }
      if (r instanceof Map) {
        return PyJson.dumps(r);
      }
      return PyRepr.str(r);
    } catch (PyException e) {
      return "Error during execution: " + e.pyStr();
    }
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
  void seedsAsRandomRandomTakesThem() {
    // [random.Random(s).random() for s in [2.5, -1.0, 1e300, inf, -inf, -0.0, 0.5, 1e-300, 2**61-1.0, 'abc', '',
    // 'é']] in CPython 3.11.7.
    Object[] seeds = {2.5, -1.0, 1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.5, 1e-300,
        2305843009213693951.0, "abc", "", "é"};
    double[] want = {0.41877545666909954, 0.13119521545503066, 0.2614143642581235, 0.19236379321481523,
        0.820833204760975, 0.8444218515250481, 0.2794930785867423, 0.43684087591810306, 0.13436424411240122,
        0.7720246314157545, 0.9602256525641875, 0.9689252893653495};
    for (int i = 0; i < seeds.length; i++) {
      assertEquals(want[i], TradingBot.seededRandom(seeds[i]).random(), "seed " + seeds[i]);
    }
    PyException e = assertThrows(PyException.class, () -> TradingBot.seededRandom(List.of(1L)));
    assertEquals("The only supported seed types are: None,\nint, float, str, bytes, and bytearray.", e.pyStr());
    // random.Random(U+1F600 U+D800) in CPython 3.11.7: str.encode() refuses the lone surrogate (code point index).
    e = assertThrows(PyException.class, () -> TradingBot.seededRandom("\uD83D\uDE00\uD800"));
    assertEquals("UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not "
        + "allowed", e.type() + ": " + e.pyStr());
  }

  @Test
  void floatHashIsCpythons() {
    // [hash(x) for x in [2.5, -1.0, 1e300, inf, -0.0, 0.5, 1e-300, -2.0**61, 12345.678, -1.5]] in CPython 3.11.7.
    double[] xs = {2.5, -1.0, 1e300, Double.POSITIVE_INFINITY, -0.0, 0.5, 1e-300, -2305843009213693952.0, 12345.678,
        -1.5};
    long[] want = {1152921504606846978L, -2L, 1224995262755759164L, 314159L, 0L, 1152921504606846976L,
        482449582752280463L, -2L, 1563361560246628409L, -1152921504606846977L};
    for (int i = 0; i < xs.length; i++) {
      assertEquals(want[i], TradingBot.floatHash(xs[i]), "hash(" + xs[i] + ")");
    }
  }

  @Test
  void fixedTwoDecimalsRoundTheBinaryValueHalfEven() {
    // format(v, '.2f') in CPython 3.11.7.
    Object[][] cases = {{0.125, "0.12"}, {2.675, "2.67"}, {-0.001, "-0.00"}, {1e22, "10000000000000000000000.00"},
        {0.005, "0.01"}, {1.005, "1.00"}, {123456789.125, "123456789.12"}, {-0.0, "-0.00"}, {5e-324, "0.00"},
        {0.015, "0.01"}, {10000.004999999999, "10000.00"}, {9007199254740993.0, "9007199254740992.00"},
        {BigInteger.TEN.pow(25), "10000000000000000905969664.00"}, {true, "1.00"}, {-7L, "-7.00"},
        {Double.POSITIVE_INFINITY, "inf"}, {Double.NaN, "nan"}};
    for (Object[] c : cases) {
      assertEquals(c[1], TradingBot.formatFixed2(c[0]), String.valueOf(c[0]));
    }
  }

  @Test
  void strptimeFollowsCpythonPatterns() {
    assertEquals("2024-01-15T00:00", TradingBot.strptime("\u0662\u0660\u0662\u0664-01-1\u0665", "%Y-%m-%d")
        .toString());
    assertEquals("2024-01-01T01:02:03", TradingBot.strptime("2024-01-01\u001c1:2:3", "%Y-%m-%d %H:%M:%S")
        .toString());
    assertEquals("2024-01-01T01:02:03", TradingBot.strptime("2024-01-01\u3000 1:2:3", "%Y-%m-%d %H:%M:%S")
        .toString());
    PyException e = assertThrows(PyException.class, () -> TradingBot.strptime("2024-1-1 x", "%Y-%m-%d"));
    assertEquals("unconverted data remains:  x", e.pyStr());
  }

  @Test
  void isdigitKeysOfOrders() {
    assertTrue(TradingBot.isPyDigit("\u0661\u0662"));
    assertTrue(TradingBot.isPyDigit("1\u00b2"));
    assertFalse(TradingBot.isPyDigit(""));
    assertFalse(TradingBot.isPyDigit("-1"));
    assertFalse(TradingBot.isPyDigit("\u2469")); // circled ten: Numeric_Type=Numeric, not Digit
    assertEquals(12L, TradingBot.pyInt("\u0661\u0662"));
    assertEquals(new BigInteger("123456789012345678901234567890"), TradingBot.pyInt("123456789012345678901234567890"));
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
