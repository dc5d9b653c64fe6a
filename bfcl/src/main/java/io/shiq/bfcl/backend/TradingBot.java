package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyDates;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyFloat;
import io.shiq.bfcl.py.PyMath;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyOperators;
import io.shiq.bfcl.py.PyRandom;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyStr;
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
    Map<Object, Object> loaded = PyContainers.asDict(get(scenario, "orders", defaults.get("orders")), "items");
    // {int(k) if isinstance(k, str) and k.isdigit() else k: v for k, v in self.orders.items()}: a key that becomes
    // equal to an earlier one keeps the earlier key's place and takes the later value, as a dict display does.
    Map<Object, Object> converted = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : loaded.entrySet()) {
      Object k = e.getKey();
      if (k instanceof String s && PyStr.isDigit(s)) {
        k = PyNumbers.intValue(PyNumbers.parseInt(s));
      }
      PyContainers.setItem(converted, k, e.getValue());
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
    random = PyRandom.seeded(get(scenario, "random_seed", defaults.get("random_seed")));
  }

  @Override
  public Map<String, Object> state() {
    return attributes("orders", orders, "account_info", accountInfo, "authenticated", authenticated,
        "market_status", marketStatus, "order_counter", orderCounter, "stocks", stocks, "watch_list", watchList,
        "transaction_history", transactionHistory, "long_context", longContext);
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
    return attributes("symbol", PyContainers.dictGet(symbolMap, name, "Stock not found"));
  }

  private Object getStockInfo(Object symbol) {
    if (!PyContainers.contains(stocks, symbol)) {
      return attributes("error", "Stock with symbol '" + PyRepr.str(symbol) + "' not found.");
    }
    if (Args.truthy(longContext)) {
      Object stock = copy(PyContainers.getItem(stocks, symbol));
      PyContainers.setItem(stock, "MA(5)", LongContext.get("MA_5_EXTENSION"));
      PyContainers.setItem(stock, "MA(20)", LongContext.get("MA_20_EXTENSION"));
      return stock;
    }
    return PyContainers.getItem(stocks, symbol);
  }

  private Object getOrderDetails(Object orderId) {
    if (!PyContainers.contains(orders, orderId)) {
      return attributes("error", "Order with ID " + PyRepr.str(orderId) + " not found."
          + "Here is the list of orders_id: " + PyRepr.str(new ArrayList<>(orders.keySet())));
    }
    if (Args.truthy(longContext)) {
      Object order = copy(PyContainers.getItem(orders, orderId));
      Object symbol = PyContainers.getItem(order, "symbol");
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
      PyContainers.setItem(order, "metadata", formatted);
      return order;
    }
    return PyContainers.getItem(orders, orderId);
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
    if (!PyContainers.contains(orders, orderId)) {
      return attributes("error", "Order with ID " + PyRepr.str(orderId) + " not found.");
    }
    if (PyEquals.equal(PyContainers.getItem(PyContainers.getItem(orders, orderId), "status"), "Completed")) {
      return attributes("error", "Can't cancel order " + PyRepr.str(orderId) + ". Order is already completed.");
    }
    PyContainers.setItem(PyContainers.getItem(orders, orderId), "status", "Cancelled");
    return attributes("order_id", orderId, "status", "Cancelled");
  }

  private Map<String, Object> placeOrder(Object orderType, Object symbol, Object price, Object amount) {
    if (!Args.truthy(authenticated)) {
      return attributes("error", "User not authenticated. Please log in to place an order.");
    }
    if (!PyContainers.contains(stocks, symbol)) {
      return attributes("error", "Invalid stock symbol: " + PyRepr.str(symbol));
    }
    if (PyCompare.lessEqual(price, 0L) || PyCompare.lessEqual(amount, 0L)) {
      return attributes("error", "Price and amount must be positive values.");
    }
    if (PyStr.lower(orderType).equals("buy")) {
      Object totalCost = PyOperators.mul(PyNumbers.toFloat(price), PyNumbers.intValue(PyNumbers.toInt(amount)));
      Object balance = PyContainers.dictGet(accountInfo, "balance", 0L);
      if (PyCompare.greaterThan(totalCost, balance)) {
        return attributes("error", "Insufficient funds: required $" + PyFloat.formatFixed(totalCost, 2)
            + " but only $" + PyFloat.formatFixed(PyContainers.dictGet(accountInfo, "balance", 0L), 2)
            + " available.");
      }
    }
    double floatPrice = PyNumbers.toFloat(price);
    Object orderId = orderCounter;
    PyContainers.setItem(orders, orderId, attributes("id", orderId, "order_type", orderType, "symbol", symbol, "price",
        floatPrice, "amount", amount, "status", "Open"));
    orderCounter = PyOperators.iadd(orderCounter, 1L);
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
    if (PyCompare.lessEqual(amount, 0L)) {
      return attributes("error", "Transaction amount must be positive.");
    }
    if (PyCompare.greaterThan(amount, balance())) {
      return attributes("error", "Insufficient funds for withdrawal.");
    }
    PyContainers.setItem(accountInfo, "balance", PyOperators.isub(balance(), amount));
    Map<String, Object> transaction = attributes("type", "withdrawal", "amount", amount, "timestamp",
        generateTransactionTimestamp());
    PyContainers.append(transactionHistory, transaction);
    return attributes("status", "Withdrawal successful", "new_balance", balance());
  }

  /** {@code self.account_info["balance"]}. */
  private Object balance() {
    return PyContainers.getItem(accountInfo, "balance");
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
    if (PyCompare.lessEqual(amount, 0L)) {
      return attributes("error", "Funding amount must be positive.");
    }
    PyContainers.setItem(accountInfo, "balance", PyOperators.iadd(balance(), amount));
    Map<String, Object> transaction = attributes("type", "deposit", "amount", amount, "timestamp",
        generateTransactionTimestamp());
    PyContainers.append(transactionHistory, transaction);
    return attributes("status", "Account funded successfully", "new_balance", balance());
  }

  private Map<String, Object> removeStockFromWatchlist(Object symbol) {
    if (!Args.truthy(authenticated)) {
      return attributes("error", "User not authenticated. Please log in to modify the watchlist.");
    }
    if (!PyContainers.contains(watchList, symbol)) {
      return attributes("error", "Stock " + PyRepr.str(symbol) + " not found in watchlist.");
    }
    List<Object> list = PyContainers.asList(watchList, "remove");
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
      PyContainers.asList(copy, "extend").addAll(LongContext.<List<Object>>get("WATCH_LIST_EXTENSION"));
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
    LocalDateTime start = Args.truthy(startDate) ? PyDates.strptime(startDate, DATE_FORMAT) : DATETIME_MIN;
    LocalDateTime end = Args.truthy(endDate) ? PyDates.strptime(endDate, DATE_FORMAT) : DATETIME_MAX;
    List<Object> filtered = new ArrayList<>();
    for (Object transaction : PyContainers.iterate(transactionHistory)) {
      LocalDateTime t = PyDates.strptime(PyContainers.getItem(transaction, "timestamp"), TIMESTAMP_FORMAT);
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
    return attributes("stock_list", PyContainers.dictGet(sectorMap, sector, new ArrayList<>()));
  }

  /** {@code self.stocks.get(symbol, {}).get("price", 0)}, evaluated afresh for each comparison, as the Python is. */
  private Object price(Object symbol) {
    return PyContainers.dictGet(PyContainers.dictGet(stocks, symbol, new LinkedHashMap<>()), "price", 0L);
  }

  private Map<String, Object> filterStocksByPrice(Object symbols, Object minPrice, Object maxPrice) {
    List<Object> filtered = new ArrayList<>();
    for (Object symbol : PyContainers.iterate(symbols)) {
      if (PyCompare.greaterEqual(price(symbol), minPrice) && PyCompare.lessEqual(price(symbol), maxPrice)) {
        filtered.add(symbol);
      }
    }
    return attributes("filtered_stocks", filtered);
  }

  private Map<String, Object> addToWatchlist(Object stock) {
    if (!PyContainers.contains(watchList, stock)) {
      if (PyContainers.contains(stocks, stock)) {
        PyContainers.append(watchList, stock);
      }
    }
    return attributes("watchlist", watchList);
  }

  private Map<String, Object> notifyPriceChange(Object symbols, Object threshold) {
    List<Object> changed = new ArrayList<>();
    for (Object symbol : PyContainers.iterate(symbols)) {
      if (PyContainers.contains(stocks, symbol) && PyCompare.greaterEqual(PyMath.abs(PyContainers.getItem(
          PyContainers.getItem(stocks, symbol), "percent_change")), threshold)) {
        changed.add(symbol);
      }
    }
    if (!changed.isEmpty()) {
      // ', '.join() raises for a non-str: only reachable with non-str keys in the scenario's stocks.
      return attributes("notification", "Stocks " + PyStr.join(", ", changed) + " have significant price changes.");
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
    throw PyException.noAttribute(v, "copy");
  }
}
