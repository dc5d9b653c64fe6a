package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyRandom;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BFCL's {@code TradingBot} (func_source_code/trading_bot.py): orders, an account, a watch list and stock data.
 *
 * <p>Attributes hold whatever the scenario or the calls supplied, as the Python class does (an order placed with
 * {@code amount=100} keeps the int; a balance of {@code 10000.0} plus an int stays a float; containers are stored by
 * reference). Dict lookups follow Python's key equality ({@code 12446 == 12446.0 == True + 12445}), comparisons and
 * arithmetic follow Python's int/float rules exactly, and wrong types fail with the exception CPython raises at the
 * same point.
 *
 * <p>Time: {@code CURRENT_TIME} is the fixed naive datetime 2024-09-01 10:30; transaction timestamps are drawn with the
 * instance's seeded {@code random.Random} between that time and one day later, both read as local time
 * ({@code datetime.timestamp()}/{@code fromtimestamp()}), the local zone being the zone of {@link #setClock}'s clock.
 */
public class TradingBot extends Backend {
  /** trading_bot.py CURRENT_TIME: a naive datetime. */
  static final LocalDateTime CURRENT_TIME = LocalDateTime.of(2024, 9, 1, 10, 30);

  private static final long DEFAULT_RANDOM_SEED = 1053520L;

  /** datetime.min and datetime.max. */
  private static final LocalDateTime DATETIME_MIN = LocalDateTime.of(1, 1, 1, 0, 0);

  private static final LocalDateTime DATETIME_MAX = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);

  private static final String DATE_FORMAT = "%Y-%m-%d";
  private static final String TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S";

  /**
   * The regexes CPython 3.11's _strptime builds for the two formats (TimeRE): {@code \d} is any Unicode decimal digit
   * (Python str patterns), {@code [0-9]} only ASCII, and a blank in the format becomes {@code \s+} with Python's
   * str.isspace set of characters (which has U+001C..U+001F, unlike Java's \s).
   */
  private static final String PY_DATE_RE =
      "(?<Y>\\d\\d\\d\\d)-(?<m>1[0-2]|0[1-9]|[1-9])-(?<d>3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])";

  private static final String PY_SPACES =
      "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+";

  private static final Pattern DATE_RE = Pattern.compile(PY_DATE_RE,
      Pattern.UNICODE_CHARACTER_CLASS | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private static final Pattern TIMESTAMP_RE = Pattern.compile(PY_DATE_RE + PY_SPACES
      + "(?<H>2[0-3]|[0-1]\\d|\\d):(?<M>[0-5]\\d|\\d):(?<S>6[0-1]|[0-5]\\d|\\d)",
      Pattern.UNICODE_CHARACTER_CLASS | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  /**
   * Code points for which Python's str.isdigit() holds but str.isdecimal() does not (Unicode 14, as in CPython 3.11):
   * superscripts, circled digits and the like. _load_scenario converts order keys with {@code k.isdigit()} and then
   * {@code int(k)}, which fails on these.
   */
  private static final int[][] NON_DECIMAL_DIGITS = {{0xb2, 0xb3}, {0xb9, 0xb9}, {0x1369, 0x1371}, {0x19da, 0x19da},
      {0x2070, 0x2070}, {0x2074, 0x2079}, {0x2080, 0x2089}, {0x2460, 0x2468}, {0x2474, 0x247c}, {0x2488, 0x2490},
      {0x24ea, 0x24ea}, {0x24f5, 0x24fd}, {0x24ff, 0x24ff}, {0x2776, 0x277e}, {0x2780, 0x2788}, {0x278a, 0x2792},
      {0x10a40, 0x10a43}, {0x10e60, 0x10e68}, {0x11052, 0x1105a}, {0x1f100, 0x1f10a}};

  private static final BigInteger HASH_MODULUS = BigInteger.ONE.shiftLeft(61).subtract(BigInteger.ONE);

  private static final Object MISSING = new Object();

  private Map<Object, Object> orders;
  private Object accountInfo;
  private Object authenticated;
  private Object marketStatus;
  private Object orderCounter;
  private Object stocks;
  private Object watchList;
  private Object transactionHistory;
  private Object longContext;
  private PyRandom random;
  private Clock clock = Clock.systemDefaultZone();

  public TradingBot() {
    define("get_current_time", a -> getCurrentTime());
    define("get_symbol_by_name", a -> getSymbolByName(a.get("name")), Param.req("name"));
    define("get_stock_info", a -> getStockInfo(a.get("symbol")), Param.req("symbol"));
    define("get_order_details", a -> getOrderDetails(a.get("order_id")), Param.req("order_id"));
    define("cancel_order", a -> cancelOrder(a.get("order_id")), Param.req("order_id"));
    define("place_order", a -> placeOrder(a.get("order_type"), a.get("symbol"), a.get("price"), a.get("amount")),
        Param.req("order_type"), Param.req("symbol"), Param.req("price"), Param.req("amount"));
    define("withdraw_funds", a -> withdrawFunds(a.get("amount")), Param.req("amount"));
    define("get_account_info", a -> getAccountInfo());
    define("trading_login", a -> tradingLogin(), Param.req("username"), Param.req("password"));
    define("trading_get_login_status", a -> tradingGetLoginStatus());
    define("trading_logout", a -> tradingLogout());
    define("fund_account", a -> fundAccount(a.get("amount")), Param.req("amount"));
    define("remove_stock_from_watchlist", a -> removeStockFromWatchlist(a.get("symbol")), Param.req("symbol"));
    define("get_watchlist", a -> getWatchlist());
    define("get_order_history", a -> getOrderHistory());
    define("get_transaction_history", a -> getTransactionHistory(a.get("start_date"), a.get("end_date")),
        Param.opt("start_date", null), Param.opt("end_date", null));
    define("get_available_stocks", a -> getAvailableStocks(a.get("sector")), Param.req("sector"));
    define("filter_stocks_by_price", a -> filterStocksByPrice(a.get("stocks"), a.get("min_price"),
        a.get("max_price")), Param.req("stocks"), Param.req("min_price"), Param.req("max_price"));
    define("add_to_watchlist", a -> addToWatchlist(a.get("stock")), Param.req("stock"));
    define("notify_price_change", a -> notifyPriceChange(a.get("stocks"), a.get("threshold")), Param.req("stocks"),
        Param.req("threshold"));
  }

  /** The clock whose zone is the "local time" of datetime.timestamp() and datetime.fromtimestamp(). */
  public void setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scenario and state

  /** trading_bot.py DEFAULT_STATE, fresh each time (what {@code deepcopy(DEFAULT_STATE)} gives). */
  static Map<String, Object> defaultState() {
    Map<Object, Object> orders = new LinkedHashMap<>();
    orders.put(12345L, order(12345L, "Buy", "AAPL", 210.65, 10L, "Completed"));
    orders.put(12446L, order(12446L, "Sell", "GOOG", 2840.56, 5L, "Pending"));
    Map<String, Object> stocks = new LinkedHashMap<>();
    stocks.put("AAPL", stock(227.16, 0.17, 2.552, 227.11, 227.09));
    stocks.put("GOOG", stock(2840.34, 0.24, 1.123, 2835.67, 2842.15));
    stocks.put("TSLA", stock(667.92, -0.12, 1.654, 671.15, 668.20));
    stocks.put("MSFT", stock(310.23, 0.09, 3.234, 309.88, 310.11));
    stocks.put("NVDA", stock(220.34, 0.34, 1.234, 220.45, 220.67));
    stocks.put("ALPH", stock(1320.45, -0.08, 1.567, 1321.12, 1325.78));
    stocks.put("OMEG", stock(457.23, 0.12, 2.345, 456.78, 458.12));
    stocks.put("QUAS", stock(725.89, -0.03, 1.789, 726.45, 728.00));
    stocks.put("NEPT", stock(88.34, 0.19, 0.654, 88.21, 88.67));
    stocks.put("SYNX", stock(345.67, 0.11, 2.112, 345.34, 346.12));
    stocks.put("ZETA", stock(22.09, -0.05, 0.789, 22.12, 22.34));
    return attributes("orders", orders,
        "account_info", attributes("account_id", 12345L, "balance", 10000.0, "binding_card", 1974202140965533L),
        "authenticated", false, "market_status", "Closed", "order_counter", 12446L, "stocks", stocks,
        "watch_list", listOf("NVDA"), "transaction_history", listOf(), "random_seed", DEFAULT_RANDOM_SEED);
  }

  private static Map<String, Object> order(long id, String type, String symbol, double price, long amount,
                                           String status) {
    return attributes("id", id, "order_type", type, "symbol", symbol, "price", price, "amount", amount,
        "status", status);
  }

  private static Map<String, Object> stock(double price, double percentChange, double volume, double ma5,
                                           double ma20) {
    return attributes("price", price, "percent_change", percentChange, "volume", volume, "MA(5)", ma5,
        "MA(20)", ma20);
  }

  @Override
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {
    Map<String, Object> defaults = defaultState();
    Object loadedOrders = get(scenario, "orders", defaults.get("orders"));
    if (!(loadedOrders instanceof Map<?, ?> loaded)) {
      throw PyException.attributeError("'" + PyTypes.name(loadedOrders) + "' object has no attribute 'items'");
    }
    // {int(k) if isinstance(k, str) and k.isdigit() else k: v for k, v in self.orders.items()}: a key that becomes
    // equal to an earlier one keeps the earlier key's place and takes the later value, as a dict display does.
    Map<Object, Object> converted = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : loaded.entrySet()) {
      Object k = e.getKey();
      if (k instanceof String s && isPyDigit(s)) {
        k = pyInt(s);
      }
      setDictItem(converted, k, e.getValue());
    }
    orders = converted;
    accountInfo = get(scenario, "account_info", defaults.get("account_info"));
    authenticated = get(scenario, "authenticated", defaults.get("authenticated"));
    marketStatus = get(scenario, "market_status", defaults.get("market_status"));
    orderCounter = get(scenario, "order_counter", defaults.get("order_counter"));
    stocks = get(scenario, "stocks", defaults.get("stocks"));
    watchList = get(scenario, "watch_list", defaults.get("watch_list"));
    transactionHistory = get(scenario, "transaction_history", defaults.get("transaction_history"));
    this.longContext = longContext;
    random = seededRandom(get(scenario, "random_seed", defaults.get("random_seed")));
  }

  @Override
  public Map<String, Object> state() {
    return attributes("orders", orders, "account_info", accountInfo, "authenticated", authenticated,
        "market_status", marketStatus, "order_counter", orderCounter, "stocks", stocks, "watch_list", watchList,
        "transaction_history", transactionHistory, "long_context", longContext);
  }

  /** {@code random.Random(seed)}: Random.seed's conversions (version 2) before CPython's random_seed. */
  static PyRandom seededRandom(Object seed) {
    if (seed == null) {
      // Python seeds from os.urandom: not reproducible there either.
      return new PyRandom(new BigInteger(256, new SecureRandom()));
    }
    if (seed instanceof Boolean b) {
      return new PyRandom(b ? 1 : 0);
    }
    if (PyTypes.isInt(seed)) {
      return new PyRandom(toBigInteger(seed));
    }
    if (seed instanceof Double d) {
      // random_seed hashes a float and uses the hash as an unsigned 64-bit number.
      if (Double.isNaN(d)) {
        // hash(nan) is the object's address since Python 3.10.
        return new PyRandom(new BigInteger(64, new SecureRandom()));
      }
      long h = floatHash(d);
      return new PyRandom(new BigInteger(Long.toUnsignedString(h)));
    }
    if (seed instanceof String s) {
      // int.from_bytes(a + sha512(a).digest()), big-endian, with a = s.encode(), which refuses lone surrogates.
      for (int i = 0, position = 0; i < s.length(); position++) {
        int cp = s.codePointAt(i);
        if (cp >= 0xd800 && cp <= 0xdfff) {
          throw new PyException("UnicodeEncodeError", "'utf-8' codec can't encode character '\\u"
              + Integer.toHexString(cp) + "' in position " + position + ": surrogates not allowed");
        }
        i += Character.charCount(cp);
      }
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      byte[] digest;
      try {
        digest = MessageDigest.getInstance("SHA-512").digest(bytes);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      byte[] all = new byte[bytes.length + digest.length];
      System.arraycopy(bytes, 0, all, 0, bytes.length);
      System.arraycopy(digest, 0, all, bytes.length, digest.length);
      return new PyRandom(new BigInteger(1, all));
    }
    throw PyException.typeError("The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
  }

  /** CPython's _Py_HashDouble for a finite or infinite float: the value modulo 2**61 - 1, signed. */
  static long floatHash(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? 314159 : -314159;
    }
    BigDecimal exact = new BigDecimal(v);
    BigInteger unscaled = exact.unscaledValue().abs();
    int scale = exact.scale();
    BigInteger x;
    if (scale <= 0) {
      x = unscaled.multiply(BigInteger.TEN.pow(-scale)).mod(HASH_MODULUS);
    } else {
      x = unscaled.multiply(BigInteger.TEN.pow(scale).modInverse(HASH_MODULUS)).mod(HASH_MODULUS);
    }
    long h = x.longValue();
    if (v < 0) {
      h = -h;
    }
    return h == -1 ? -2 : h;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Public methods

  private Map<String, Object> getCurrentTime() {
    // CURRENT_TIME.strftime("%I:%M %p") in the C locale.
    int hour12 = CURRENT_TIME.getHour() % 12 == 0 ? 12 : CURRENT_TIME.getHour() % 12;
    String text = String.format(Locale.ROOT, "%02d:%02d %s", hour12, CURRENT_TIME.getMinute(),
        CURRENT_TIME.getHour() < 12 ? "AM" : "PM");
    return attributes("current_time", text);
  }

  private Map<String, Object> getSymbolByName(Object name) {
    Map<Object, Object> symbolMap = new LinkedHashMap<>();
    symbolMap.put("Apple", "AAPL");
    symbolMap.put("Google", "GOOG");
    symbolMap.put("Tesla", "TSLA");
    symbolMap.put("Microsoft", "MSFT");
    symbolMap.put("Nvidia", "NVDA");
    symbolMap.put("Zeta Corp", "ZETA");
    symbolMap.put("Alpha Tech", "ALPH");
    symbolMap.put("Omega Industries", "OMEG");
    symbolMap.put("Quasar Ltd.", "QUAS");
    symbolMap.put("Neptune Systems", "NEPT");
    symbolMap.put("Synex Solutions", "SYNX");
    symbolMap.put("Amazon", "AMZN");
    symbolMap.put("Gorilla", "GORI");
    return attributes("symbol", dictGet(symbolMap, name, "Stock not found"));
  }

  private Object getStockInfo(Object symbol) {
    if (!contains(stocks, symbol)) {
      return attributes("error", "Stock with symbol '" + PyRepr.str(symbol) + "' not found.");
    }
    if (Args.truthy(longContext)) {
      Object stock = copy(getItem(stocks, symbol));
      setItem(stock, "MA(5)", LongContext.get("MA_5_EXTENSION"));
      setItem(stock, "MA(20)", LongContext.get("MA_20_EXTENSION"));
      return stock;
    }
    return getItem(stocks, symbol);
  }

  private Object getOrderDetails(Object orderId) {
    if (!contains(orders, orderId)) {
      return attributes("error", "Order with ID " + PyRepr.str(orderId) + " not found."
          + "Here is the list of orders_id: " + PyRepr.str(new ArrayList<>(orders.keySet())));
    }
    if (Args.truthy(longContext)) {
      Object order = copy(getItem(orders, orderId));
      Object symbol = getItem(order, "symbol");
      Map<String, Object> extension = LongContext.get("ORDER_DETAIL_EXTENSION");
      Map<String, Object> formatted = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : extension.entrySet()) {
        try {
          formatted.put(e.getKey(), formatSymbol((String) e.getValue(), symbol));
        } catch (PyException keyError) {
          if (!keyError.type().equals("KeyError")) {
            throw keyError;
          }
          // Not reached with BFCL's texts, whose only field is {symbol}.
          return attributes("error", "KeyError during formatting: " + keyError.pyStr());
        }
      }
      setItem(order, "metadata", formatted);
      return order;
    }
    return getItem(orders, orderId);
  }

  /**
   * {@code template.format(symbol=symbol)} for templates whose fields are plain names: doubled braces stand for one
   * brace; a field other than {@code symbol} is a KeyError.
   */
  private static String formatSymbol(String template, Object symbol) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
        out.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        out.append('}');
        i += 2;
      } else if (c == '{') {
        int end = template.indexOf('}', i);
        if (end < 0) {
          throw PyException.valueError("expected '}' before end of string");
        }
        String field = template.substring(i + 1, end);
        if (!field.equals("symbol")) {
          if (!field.matches("[A-Za-z_][A-Za-z_0-9]*")) {
            throw new IllegalStateException("format field {" + field + "} is not supported");
          }
          throw PyException.keyError(field);
        }
        out.append(PyRepr.str(symbol));
        i = end + 1;
      } else if (c == '}') {
        throw PyException.valueError("Single '}' encountered in format string");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private Map<String, Object> cancelOrder(Object orderId) {
    if (!contains(orders, orderId)) {
      return attributes("error", "Order with ID " + PyRepr.str(orderId) + " not found.");
    }
    if (PyEquals.equal(getItem(getItem(orders, orderId), "status"), "Completed")) {
      return attributes("error", "Can't cancel order " + PyRepr.str(orderId) + ". Order is already completed.");
    }
    setItem(getItem(orders, orderId), "status", "Cancelled");
    return attributes("order_id", orderId, "status", "Cancelled");
  }

  private Map<String, Object> placeOrder(Object orderType, Object symbol, Object price, Object amount) {
    if (!Args.truthy(authenticated)) {
      return attributes("error", "User not authenticated. Please log in to place an order.");
    }
    if (!contains(stocks, symbol)) {
      return attributes("error", "Invalid stock symbol: " + PyRepr.str(symbol));
    }
    if (compare(price, 0L, "<=") || compare(amount, 0L, "<=")) {
      return attributes("error", "Price and amount must be positive values.");
    }
    if (lower(orderType).equals("buy")) {
      double totalCost = toFloat(price) * intToFloat(toInt(amount));
      Object balance = dictGet(accountInfo, "balance", 0L);
      if (compare(totalCost, balance, ">")) {
        return attributes("error", "Insufficient funds: required $" + formatFixed2(totalCost) + " but only $"
            + formatFixed2(dictGet(accountInfo, "balance", 0L)) + " available.");
      }
    }
    double floatPrice = toFloat(price);
    Object orderId = orderCounter;
    setItem(orders, orderId, attributes("id", orderId, "order_type", orderType, "symbol", symbol, "price",
        floatPrice, "amount", amount, "status", "Open"));
    orderCounter = add(orderCounter, 1L, "+=");
    // BFCL reports "Pending" while it stores "Open" (trading_bot.py place_order).
    return attributes("order_id", orderId, "order_type", orderType, "status", "Pending", "price", floatPrice,
        "amount", amount);
  }

  private Map<String, Object> withdrawFunds(Object amount) {
    if (!Args.truthy(authenticated)) {
      return attributes("error", "User not authenticated. Please log in to make a transaction.");
    }
    if (!PyEquals.equal(marketStatus, "Open")) {
      return attributes("error", "Market is closed. Transactions are not allowed.");
    }
    if (compare(amount, 0L, "<=")) {
      return attributes("error", "Transaction amount must be positive.");
    }
    if (compare(amount, getItem(accountInfo, "balance"), ">")) {
      return attributes("error", "Insufficient funds for withdrawal.");
    }
    setItem(accountInfo, "balance", add(getItem(accountInfo, "balance"), amount, "-="));
    Map<String, Object> transaction = attributes("type", "withdrawal", "amount", amount, "timestamp",
        generateTransactionTimestamp());
    append(transactionHistory, transaction);
    return attributes("status", "Withdrawal successful", "new_balance", getItem(accountInfo, "balance"));
  }

  private Object getAccountInfo() {
    if (!Args.truthy(authenticated)) {
      return attributes("error", "User not authenticated. Please log in to view account information.");
    }
    return accountInfo;
  }

  private Map<String, Object> tradingLogin() {
    if (Args.truthy(authenticated)) {
      return attributes("status", "Already logged in");
    }
    authenticated = true;
    return attributes("status", "Logged in successfully");
  }

  private Map<String, Object> tradingGetLoginStatus() {
    return attributes("status", Args.truthy(authenticated));
  }

  private Map<String, Object> tradingLogout() {
    if (!Args.truthy(authenticated)) {
      return attributes("status", "No user is currently logged in");
    }
    authenticated = false;
    return attributes("status", "Logged out successfully");
  }

  private Map<String, Object> fundAccount(Object amount) {
    if (!Args.truthy(authenticated)) {
      return attributes("error", "User not authenticated. Please log in to fund the account.");
    }
    if (compare(amount, 0L, "<=")) {
      return attributes("error", "Funding amount must be positive.");
    }
    setItem(accountInfo, "balance", add(getItem(accountInfo, "balance"), amount, "+="));
    Map<String, Object> transaction = attributes("type", "deposit", "amount", amount, "timestamp",
        generateTransactionTimestamp());
    append(transactionHistory, transaction);
    return attributes("status", "Account funded successfully", "new_balance", getItem(accountInfo, "balance"));
  }

  private Map<String, Object> removeStockFromWatchlist(Object symbol) {
    if (!Args.truthy(authenticated)) {
      return attributes("error", "User not authenticated. Please log in to modify the watchlist.");
    }
    if (!contains(watchList, symbol)) {
      return attributes("error", "Stock " + PyRepr.str(symbol) + " not found in watchlist.");
    }
    List<Object> list = listAttribute(watchList, "remove");
    for (int i = 0; i < list.size(); i++) {
      if (PyEquals.equal(list.get(i), symbol)) {
        list.remove(i);
        break;
      }
    }
    return attributes("status", "Stock " + PyRepr.str(symbol) + " removed from watchlist successfully.");
  }

  private Object getWatchlist() {
    if (!Args.truthy(authenticated)) {
      // A list, not a dict, as in trading_bot.py: the executor prints it with str().
      return listOf("Error: User not authenticated. Please log in to view the watchlist.");
    }
    if (Args.truthy(longContext)) {
      // A plain list here too; WATCH_LIST_EXTENSION ends with Python's Ellipsis.
      Object copy = copy(watchList);
      listAttribute(copy, "extend").addAll(LongContext.<List<Object>>get("WATCH_LIST_EXTENSION"));
      return copy;
    }
    return attributes("watchlist", watchList);
  }

  private Object getOrderHistory() {
    if (!Args.truthy(authenticated)) {
      return listOf(attributes("error", "User not authenticated. Please log in to view order history."));
    }
    return attributes("history", new ArrayList<>(orders.keySet()));
  }

  private Object getTransactionHistory(Object startDate, Object endDate) {
    if (!Args.truthy(authenticated)) {
      return listOf(attributes("error", "User not authenticated. Please log in to view transaction history."));
    }
    LocalDateTime start = Args.truthy(startDate) ? strptime(startDate, DATE_FORMAT) : DATETIME_MIN;
    LocalDateTime end = Args.truthy(endDate) ? strptime(endDate, DATE_FORMAT) : DATETIME_MAX;
    List<Object> filtered = new ArrayList<>();
    for (Object transaction : iterate(transactionHistory)) {
      LocalDateTime t = strptime(getItem(transaction, "timestamp"), TIMESTAMP_FORMAT);
      if (!start.isAfter(t) && !t.isAfter(end)) {
        filtered.add(transaction);
      }
    }
    if (Args.truthy(longContext)) {
      filtered.addAll(LongContext.<List<Object>>get("TRANSACTION_HISTORY_EXTENSION"));
    }
    return attributes("transaction_history", filtered);
  }

  private Map<String, Object> getAvailableStocks(Object sector) {
    List<Object> technology = listOf("AAPL", "GOOG", "MSFT", "NVDA");
    List<Object> automobile = listOf("TSLA", "F", "GM");
    Map<Object, Object> sectorMap = new LinkedHashMap<>();
    sectorMap.put("Technology", technology);
    sectorMap.put("Automobile", automobile);
    if (Args.truthy(longContext)) {
      technology.addAll(LongContext.<List<Object>>get("TECHNOLOGY_EXTENSION"));
      automobile.addAll(LongContext.<List<Object>>get("AUTOMOBILE_EXTENSION"));
    }
    return attributes("stock_list", dictGet(sectorMap, sector, new ArrayList<>()));
  }

  private Map<String, Object> filterStocksByPrice(Object symbols, Object minPrice, Object maxPrice) {
    List<Object> filtered = new ArrayList<>();
    for (Object symbol : iterate(symbols)) {
      if (compare(dictGet(dictGet(stocks, symbol, new LinkedHashMap<>()), "price", 0L), minPrice, ">=")
          && compare(dictGet(dictGet(stocks, symbol, new LinkedHashMap<>()), "price", 0L), maxPrice, "<=")) {
        filtered.add(symbol);
      }
    }
    return attributes("filtered_stocks", filtered);
  }

  private Map<String, Object> addToWatchlist(Object stock) {
    if (!contains(watchList, stock)) {
      if (contains(stocks, stock)) {
        append(watchList, stock);
      }
    }
    return attributes("watchlist", watchList);
  }

  private Map<String, Object> notifyPriceChange(Object symbols, Object threshold) {
    List<Object> changed = new ArrayList<>();
    for (Object symbol : iterate(symbols)) {
      if (contains(stocks, symbol) && compare(abs(getItem(getItem(stocks, symbol), "percent_change")), threshold,
          ">=")) {
        changed.add(symbol);
      }
    }
    if (!changed.isEmpty()) {
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < changed.size(); i++) {
        if (!(changed.get(i) instanceof String s)) {
          // ', '.join() of a non-str: only reachable with non-str keys in the scenario's stocks.
          throw PyException.typeError("sequence item " + i + ": expected str instance, "
              + PyTypes.name(changed.get(i)) + " found");
        }
        joined.append(i == 0 ? "" : ", ").append(s);
      }
      return attributes("notification", "Stocks " + joined + " have significant price changes.");
    }
    return attributes("notification", "No significant price changes in the selected stocks.");
  }

  /**
   * _generate_transaction_timestamp: a random whole second between CURRENT_TIME and one day later (both naive, read
   * as local time), printed as local time.
   */
  private String generateTransactionTimestamp() {
    ZoneId zone = clock.getZone();
    // datetime.timestamp() of a naive datetime with fold=0: the earlier offset in an overlap, the offset before the
    // transition in a gap; ZonedDateTime's resolution gives the same instants.
    long startTimestamp = CURRENT_TIME.atZone(zone).toEpochSecond();
    long endTimestamp = CURRENT_TIME.plusDays(1).atZone(zone).toEpochSecond();
    long randomTimestamp = random.randint(startTimestamp, endTimestamp);
    LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(randomTimestamp), zone);
    return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(),
        t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Python semantics of the operations the class uses

  /** {@code datetime.strptime(s, fmt)} for the two formats the class uses, with CPython 3.11's _strptime rules. */
  static LocalDateTime strptime(Object data, String format) {
    if (!(data instanceof String s)) {
      throw PyException.typeError("strptime() argument 1 must be str, not " + PyTypes.name(data));
    }
    Matcher m = (format.equals(DATE_FORMAT) ? DATE_RE : TIMESTAMP_RE).matcher(s);
    if (!m.lookingAt()) {
      throw PyException.valueError("time data " + PyRepr.repr(s) + " does not match format " + PyRepr.repr(format));
    }
    if (m.end() != s.length()) {
      throw PyException.valueError("unconverted data remains: " + s.substring(m.end()));
    }
    int year = digits(m.group("Y"));
    int month = digits(m.group("m"));
    int day = digits(m.group("d"));
    boolean withTime = format.equals(TIMESTAMP_FORMAT);
    int hour = withTime ? digits(m.group("H")) : 0;
    int minute = withTime ? digits(m.group("M")) : 0;
    int second = withTime ? digits(m.group("S")) : 0;
    // _strptime computes datetime_date(year, month, day) first, then the datetime constructor checks the time.
    if (year < 1) {
      throw PyException.valueError("year " + year + " is out of range");
    }
    if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      throw PyException.valueError("day is out of range for month");
    }
    if (second > 59) {
      throw PyException.valueError("second must be in 0..59");
    }
    return LocalDateTime.of(year, month, day, hour, minute, second);
  }

  /** int() of a matched group: Unicode decimal digits, possibly after one blank (the " [1-9]" of %d). */
  private static int digits(String group) {
    int value = 0;
    for (int i = 0; i < group.length(); ) {
      int cp = group.codePointAt(i);
      i += Character.charCount(cp);
      if (cp != ' ') {
        value = value * 10 + Character.digit(cp, 10);
      }
    }
    return value;
  }

  /** Python's str.isdigit(): non-empty, every character a decimal digit or another Numeric_Type=Digit character. */
  static boolean isPyDigit(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) != Character.DECIMAL_DIGIT_NUMBER && !isNonDecimalDigit(cp)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNonDecimalDigit(int cp) {
    for (int[] range : NON_DECIMAL_DIGITS) {
      if (cp >= range[0] && cp <= range[1]) {
        return true;
      }
    }
    return false;
  }

  /** {@code int(s)} of a str that passed isdigit(): decimal digits of any script; a superscript is a ValueError. */
  static Object pyInt(String s) {
    StringBuilder ascii = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) != Character.DECIMAL_DIGIT_NUMBER) {
        throw PyException.valueError("invalid literal for int() with base 10: " + PyRepr.repr(s));
      }
      ascii.append((char) ('0' + Character.digit(cp, 10)));
    }
    return narrow(new BigInteger(ascii.toString()));
  }

  private static Object narrow(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : i;
  }

  private static BigInteger toBigInteger(Object intLike) {
    if (intLike instanceof Boolean b) {
      return b ? BigInteger.ONE : BigInteger.ZERO;
    }
    if (intLike instanceof BigInteger i) {
      return i;
    }
    return BigInteger.valueOf(((Number) intLike).longValue());
  }

  private static boolean isNumber(Object v) {
    return PyTypes.isInt(v) || v instanceof Double || v instanceof Float;
  }

  /** {@code float(x)} of an int or float. */
  private static double toFloat(Object v) {
    if (v instanceof Double || v instanceof Float) {
      return ((Number) v).doubleValue();
    }
    if (PyTypes.isInt(v)) {
      return intToFloat(toBigInteger(v));
    }
    throw PyException.typeError("float() argument must be a string or a real number, not '" + PyTypes.name(v)
        + "'");
  }

  /** An int converted to float as CPython does (correctly rounded; OverflowError past the double range). */
  private static double intToFloat(BigInteger i) {
    double d = i.doubleValue();
    if (Double.isInfinite(d)) {
      throw new PyException("OverflowError", "int too large to convert to float");
    }
    return d;
  }

  /** {@code int(x)} of an int or float: truncation toward zero. */
  private static BigInteger toInt(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        throw PyException.valueError("cannot convert float NaN to integer");
      }
      if (Double.isInfinite(d)) {
        throw new PyException("OverflowError", "cannot convert float infinity to integer");
      }
      return new BigDecimal(d).toBigInteger();
    }
    if (PyTypes.isInt(v)) {
      return toBigInteger(v);
    }
    throw PyException.typeError("int() argument must be a string, a bytes-like object or a real number, not '"
        + PyTypes.name(v) + "'");
  }

  /** {@code abs(x)}. */
  private static Object abs(Object v) {
    if (v instanceof Double || v instanceof Float) {
      return Math.abs(((Number) v).doubleValue());
    }
    if (PyTypes.isInt(v)) {
      return narrow(toBigInteger(v).abs());
    }
    throw PyException.typeError("bad operand type for abs(): '" + PyTypes.name(v) + "'");
  }

  /** {@code a += b} / {@code a -= b} where b is a number (what the class adds: amounts and 1). */
  private static Object add(Object a, Object b, String op) {
    boolean minus = op.equals("-=");
    if (isNumber(a) && isNumber(b)) {
      if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
        BigInteger x = toBigInteger(a);
        BigInteger y = toBigInteger(b);
        return narrow(minus ? x.subtract(y) : x.add(y));
      }
      double x = toFloat(a);
      double y = toFloat(b);
      return minus ? x - y : x + y;
    }
    if (!minus && a instanceof String) {
      throw PyException.typeError("can only concatenate str (not \"" + PyTypes.name(b) + "\") to str");
    }
    if (!minus && a instanceof List && !(b instanceof List || b instanceof PyTuple || b instanceof String
        || b instanceof Map || b instanceof Set)) {
      throw PyException.typeError("'" + PyTypes.name(b) + "' object is not iterable");
    }
    throw PyException.typeError("unsupported operand type(s) for " + op + ": '" + PyTypes.name(a) + "' and '"
        + PyTypes.name(b) + "'");
  }

  /** Python's rich comparison {@code a op b} for {@code <, <=, >, >=}. */
  static boolean compare(Object a, Object b, String op) {
    if (isNumber(a) && isNumber(b)) {
      if (isNaN(a) || isNaN(b)) {
        return false;
      }
      return holds(compareNumbers(a, b), op);
    }
    if (a instanceof String sa && b instanceof String sb) {
      return holds(compareCodePoints(sa, sb), op);
    }
    List<?> la = a instanceof List<?> l ? l : null;
    List<?> lb = b instanceof List<?> l ? l : null;
    if (a instanceof PyTuple ta && b instanceof PyTuple tb) {
      la = ta.items();
      lb = tb.items();
    }
    if (la != null && lb != null) {
      // Sequences: the first items that differ decide, with the same operator; else the lengths.
      for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
        if (!PyEquals.equal(la.get(i), lb.get(i))) {
          return compare(la.get(i), lb.get(i), op);
        }
      }
      return holds(Integer.compare(la.size(), lb.size()), op);
    }
    throw PyException.typeError("'" + op + "' not supported between instances of '" + PyTypes.name(a) + "' and '"
        + PyTypes.name(b) + "'");
  }

  private static boolean isNaN(Object v) {
    return (v instanceof Double || v instanceof Float) && Double.isNaN(((Number) v).doubleValue());
  }

  private static boolean holds(int cmp, String op) {
    return switch (op) {
      case "<" -> cmp < 0;
      case "<=" -> cmp <= 0;
      case ">" -> cmp > 0;
      case ">=" -> cmp >= 0;
      default -> throw new IllegalArgumentException(op);
    };
  }

  /** Exact comparison of two ints/floats (none NaN), as Python compares int with float. */
  private static int compareNumbers(Object a, Object b) {
    boolean fa = a instanceof Double || a instanceof Float;
    boolean fb = b instanceof Double || b instanceof Float;
    if (!fa && !fb) {
      return toBigInteger(a).compareTo(toBigInteger(b));
    }
    double da = fa ? ((Number) a).doubleValue() : 0;
    double db = fb ? ((Number) b).doubleValue() : 0;
    if (fa && Double.isInfinite(da) || fb && Double.isInfinite(db)) {
      int sa = fa && Double.isInfinite(da) ? (da > 0 ? 1 : -1) : 0;
      int sb = fb && Double.isInfinite(db) ? (db > 0 ? 1 : -1) : 0;
      return Integer.compare(sa, sb);
    }
    BigDecimal x = fa ? new BigDecimal(da) : new BigDecimal(toBigInteger(a));
    BigDecimal y = fb ? new BigDecimal(db) : new BigDecimal(toBigInteger(b));
    return x.compareTo(y);
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** {@code f"{x:.2f}"} of an int or float: the exact binary value rounded half-even, as CPython's dtoa does. */
  static String formatFixed2(Object v) {
    if (!isNumber(v)) {
      if (v instanceof String) {
        throw PyException.valueError("Unknown format code 'f' for object of type 'str'");
      }
      throw PyException.typeError("unsupported format string passed to " + PyTypes.name(v) + ".__format__");
    }
    double d = toFloat(v);
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    String text = new BigDecimal(d).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    boolean negative = d < 0 || (d == 0 && 1 / d < 0);
    return negative && !text.startsWith("-") ? "-" + text : text;
  }

  /** {@code str.lower()} of the order type (only compared with "buy"). */
  private static String lower(Object v) {
    if (!(v instanceof String s)) {
      throw PyException.attributeError("'" + PyTypes.name(v) + "' object has no attribute 'lower'");
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /** Python's hash() refusal for the unhashable containers. */
  private static void requireHashable(Object key) {
    if (key instanceof List || key instanceof Map || key instanceof Set) {
      throw PyException.typeError("unhashable type: '" + PyTypes.name(key) + "'");
    }
    if (key instanceof PyTuple t) {
      t.items().forEach(TradingBot::requireHashable);
    }
  }

  /** The key of {@code m} Python's dict would find for {@code key} ({@code 1 == 1.0 == True}), or MISSING. */
  private static Object findKey(Map<?, ?> m, Object key) {
    requireHashable(key);
    if (m.containsKey(key)) {
      return key;
    }
    for (Object k : m.keySet()) {
      if (PyEquals.equal(k, key)) {
        return k;
      }
    }
    return MISSING;
  }

  /** {@code d[key] = value} on a dict: an equal key already there keeps its place and its own spelling. */
  @SuppressWarnings("unchecked")
  private static void setDictItem(Map<?, ?> d, Object key, Object value) {
    Object existing = findKey(d, key);
    ((Map<Object, Object>) d).put(existing == MISSING ? key : existing, value);
  }

  /** {@code x in container}. */
  private static boolean contains(Object container, Object x) {
    if (container instanceof Map<?, ?> m) {
      return findKey(m, x) != MISSING;
    }
    if (container instanceof Set<?> s) {
      requireHashable(x);
      return s.stream().anyMatch(y -> PyEquals.equal(y, x));
    }
    if (container instanceof List<?> l) {
      return l.stream().anyMatch(y -> PyEquals.equal(y, x));
    }
    if (container instanceof PyTuple t) {
      return t.items().stream().anyMatch(y -> PyEquals.equal(y, x));
    }
    if (container instanceof String s) {
      if (!(x instanceof String sub)) {
        throw PyException.typeError("'in <string>' requires string as left operand, not " + PyTypes.name(x));
      }
      return s.contains(sub);
    }
    throw PyException.typeError("argument of type '" + PyTypes.name(container) + "' is not iterable");
  }

  /** {@code container[key]}. */
  private static Object getItem(Object container, Object key) {
    if (container instanceof Map<?, ?> m) {
      Object k = findKey(m, key);
      if (k == MISSING) {
        throw PyException.keyError(key);
      }
      return m.get(k);
    }
    if (container instanceof List<?> l) {
      return l.get(index(key, l.size(), "list"));
    }
    if (container instanceof PyTuple t) {
      return t.items().get(index(key, t.items().size(), "tuple"));
    }
    if (container instanceof String s) {
      if (!PyTypes.isInt(key)) {
        throw PyException.typeError("string indices must be integers, not '" + PyTypes.name(key) + "'");
      }
      int[] cps = s.codePoints().toArray();
      long i = toBigInteger(key).longValue();
      if (i < 0) {
        i += cps.length;
      }
      if (i < 0 || i >= cps.length) {
        throw PyException.indexError("string index out of range");
      }
      return new String(cps, (int) i, 1);
    }
    throw PyException.typeError("'" + PyTypes.name(container) + "' object is not subscriptable");
  }

  private static int index(Object key, int size, String type) {
    if (!PyTypes.isInt(key)) {
      throw PyException.typeError(type + " indices must be integers or slices, not " + PyTypes.name(key));
    }
    BigInteger i = toBigInteger(key);
    if (i.signum() < 0) {
      i = i.add(BigInteger.valueOf(size));
    }
    if (i.signum() < 0 || i.compareTo(BigInteger.valueOf(size)) >= 0) {
      throw PyException.indexError(type + " index out of range");
    }
    return i.intValue();
  }

  /** {@code container[key] = value}. */
  @SuppressWarnings("unchecked")
  private static void setItem(Object container, Object key, Object value) {
    if (container instanceof Map<?, ?> m) {
      setDictItem(m, key, value);
      return;
    }
    if (container instanceof List<?> l) {
      if (!PyTypes.isInt(key)) {
        throw PyException.typeError("list indices must be integers or slices, not " + PyTypes.name(key));
      }
      BigInteger i = toBigInteger(key);
      if (i.signum() < 0) {
        i = i.add(BigInteger.valueOf(l.size()));
      }
      if (i.signum() < 0 || i.compareTo(BigInteger.valueOf(l.size())) >= 0) {
        throw PyException.indexError("list assignment index out of range");
      }
      ((List<Object>) l).set(i.intValue(), value);
      return;
    }
    throw PyException.typeError("'" + PyTypes.name(container) + "' object does not support item assignment");
  }

  /** {@code d.get(key, default)}. */
  private static Object dictGet(Object d, Object key, Object dflt) {
    if (!(d instanceof Map<?, ?> m)) {
      throw PyException.attributeError("'" + PyTypes.name(d) + "' object has no attribute 'get'");
    }
    Object k = findKey(m, key);
    return k == MISSING ? dflt : m.get(k);
  }

  /** {@code x.copy()} (a shallow copy) of a dict, list or set. */
  private static Object copy(Object v) {
    if (v instanceof Map<?, ?> m) {
      return new LinkedHashMap<>(m);
    }
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (v instanceof Set<?> s) {
      return new LinkedHashSet<>(s);
    }
    throw PyException.attributeError("'" + PyTypes.name(v) + "' object has no attribute 'copy'");
  }

  /** The value as a list for a list method ({@code append}, {@code remove}, {@code extend}). */
  @SuppressWarnings("unchecked")
  private static List<Object> listAttribute(Object v, String method) {
    if (v instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw PyException.attributeError("'" + PyTypes.name(v) + "' object has no attribute '" + method + "'");
  }

  private static void append(Object list, Object item) {
    listAttribute(list, "append").add(item);
  }

  /** The items of {@code for x in v}. */
  private static List<Object> iterate(Object v) {
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (v instanceof PyTuple t) {
      return t.items();
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof Set<?> s) {
      return new ArrayList<>(s);
    }
    if (v instanceof String s) {
      List<Object> chars = new ArrayList<>();
      s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
      return chars;
    }
    throw PyException.typeError("'" + PyTypes.name(v) + "' object is not iterable");
  }
}
