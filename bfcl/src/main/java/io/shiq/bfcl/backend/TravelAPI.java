package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyMath;
import io.shiq.bfcl.py.PyRandom;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import io.shiq.bfcl.py.PyValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * BFCL's {@code TravelAPI} (func_source_code/travel_booking.py): authentication, credit cards, flight costs,
 * bookings, invoices, insurance, budget and currency conversion.
 *
 * <p>Attributes hold whatever the scenario or the call supplied, as the Python class does: the scenario's dicts are
 * stored by reference, {@code get_all_credit_cards} and the long-context {@code book_flight} hand out the live dicts,
 * numbers keep their Python type (a balance stays an int until a float is subtracted from it), and wrong argument
 * types fail with the exception CPython would raise at the same point. Random ids come from a {@link PyRandom} seeded
 * as {@code random.Random(random_seed)}, drawn in the Python order; the age check reads {@link #setClock the clock}.
 */
public class TravelAPI extends Backend {
  private static final long DEFAULT_RANDOM_SEED = 141053L;

  /**
   * long_context.py's CREDIT_CARD_EXTENSION and BOOKING_RECORD_EXTENSION. {@code _add_credit_cards} and
   * {@code _add_booking_records} put the module's own inner dicts into each instance, so a balance changed on an
   * extension card (book_flight, purchase_insurance, cancel_booking of an extension booking) is changed in every
   * long-context instance of the process, later scenarios included. These statics are those module constants;
   * {@link #resetSharedExtensions} stands for a fresh Python process.
   */
  private static Map<Object, Object> creditCardExtension = LongContext.get("CREDIT_CARD_EXTENSION");

  private static Map<Object, Object> bookingRecordExtension = LongContext.get("BOOKING_RECORD_EXTENSION");

  /** get_flight_cost's base_costs, in the dict's order (the long-context cost list follows it): "FROM TO cost". */
  private static final List<Route> ROUTES = routes(
      "SFO LAX 200", "SFO JFK 500", "SFO ORD 400", "SFO BOS 450", "SFO RMS 300", "SFO SBK 350", "SFO MPC 370",
      "SFO SVP 320", "SFO SHD 330", "SFO SSV 340", "SFO OKD 360", "SFO WLB 310", "SFO CRH 380", "SFO ATV 390",
      "SFO PHV 420", "SFO GFD 430", "SFO CIA 700", "LAX SFO 100", "LAX JFK 600", "LAX ORD 500", "LAX BOS 550",
      "LAX RMS 310", "LAX SBK 320", "LAX MPC 330", "LAX SVP 340", "LAX SHD 350", "LAX SSV 360", "LAX OKD 370",
      "LAX WLB 380", "LAX CRH 390", "LAX ATV 400", "LAX PHV 410", "LAX GFD 420", "LAX HND 430", "JFK ORD 300",
      "JFK BOS 250", "JFK RMS 450", "JFK SBK 460", "JFK MPC 470", "JFK SVP 480", "JFK SHD 490", "JFK SSV 500",
      "JFK OKD 510", "JFK WLB 520", "JFK CRH 530", "JFK ATV 540", "JFK PHV 550", "JFK GFD 560", "JFK LAX 570",
      "JFK HND 800", "JFK PVG 950", "JFK PEK 1000", "ORD LAX 180", "ORD BOS 200", "ORD RMS 350", "ORD SBK 360",
      "ORD MPC 370", "ORD SVP 380", "ORD SHD 390", "ORD SSV 400", "ORD OKD 410", "ORD WLB 420", "ORD CRH 430",
      "ORD ATV 440", "ORD PHV 450", "ORD GFD 460", "BOS RMS 400", "BOS SBK 410", "BOS MPC 420", "BOS SVP 430",
      "BOS SHD 440", "BOS SSV 450", "BOS OKD 460", "BOS WLB 470", "BOS CRH 480", "BOS ATV 490", "BOS PHV 500",
      "BOS GFD 510", "RMS BOS 200", "RMS JFK 210", "RMS SBK 220", "RMS MPC 230", "RMS SVP 240", "RMS SHD 250",
      "RMS SSV 260", "RMS OKD 270", "RMS WLB 280", "RMS CRH 290", "RMS ATV 300", "RMS PHV 310", "RMS GFD 320",
      "RMS LAX 330", "SBK MPC 200", "SBK SVP 210", "SBK SHD 220", "SBK SSV 230", "SBK OKD 240", "SBK WLB 250",
      "SBK CRH 260", "SBK ATV 270", "SBK PHV 280", "SBK GFD 290", "MPC SVP 210", "MPC SHD 220", "MPC SSV 230",
      "MPC OKD 240", "MPC WLB 250", "MPC CRH 260", "MPC ATV 270", "MPC PHV 280", "MPC GFD 290", "SVP SHD 230",
      "SVP SSV 240", "SVP OKD 250", "SVP WLB 260", "SVP CRH 270", "SVP ATV 280", "SVP PHV 290", "SVP GFD 300",
      "SHD SSV 220", "SHD OKD 230", "SHD WLB 240", "SHD CRH 250", "SHD ATV 260", "SHD PHV 270", "SHD GFD 280",
      "SSV OKD 240", "SSV WLB 250", "SSV CRH 260", "SSV ATV 270", "SSV PHV 280", "SSV GFD 290", "OKD WLB 230",
      "OKD CRH 240", "OKD ATV 250", "OKD PHV 260", "OKD GFD 270", "WLB CRH 250", "WLB ATV 260", "WLB PHV 270",
      "WLB GFD 280", "CRH ATV 240", "CRH PHV 250", "CRH GFD 260", "CRH SFO 270", "CRH RMS 280", "CRH HKG 290",
      "CRH JFK 300", "ATV PHV 230", "ATV GFD 240", "PHV GFD 220", "LHR CDG 100", "OKD LAX 220");

  private static final Map<String, Route> ROUTE_BY_PAIR = new LinkedHashMap<>();

  static {
    for (Route r : ROUTES) {
      ROUTE_BY_PAIR.put(r.from() + " " + r.to(), r);
    }
  }

  /** list_all_airports's list, in its order. */
  private static final List<String> AIRPORTS = List.of("RMS", "SBK", "MPC", "SVP", "SHD", "CDG", "LHR", "SSV", "OKD",
      "WLB", "PEK", "HND", "HKG", "CIA", "CRH", "ATV", "PHV", "GFD", "SFO", "LAX", "JFK", "ORD", "BOS");

  /** get_nearest_airport_by_city's airport_map. */
  private static final Map<String, String> AIRPORT_BY_CITY = cityMap("Rivermist", "RMS", "Stonebrook", "SBK",
      "Maplecrest", "MPC", "Silverpine", "SVP", "Shadowridge", "SHD", "London", "LHR", "Paris", "CDG",
      "Sunset Valley", "SSV", "Oakendale", "OKD", "Willowbend", "WLB", "Crescent Hollow", "CRH", "Autumnville", "ATV",
      "Pinehaven", "PHV", "Greenfield", "GFD", "San Francisco", "SFO", "Los Angeles", "LAX", "New York", "JFK",
      "Chicago", "ORD", "Boston", "BOS", "Beijing", "PEK", "Hong Kong", "HKG", "Rome", "CIA", "Tokyo", "HND");

  /** compute_exchange_rate's exchange_rates, in order: ints stay ints (7, 110, ...), the others are floats. */
  private static final List<Rate> RATES = List.of(new Rate("USD", "RMB", 7L), new Rate("USD", "EUR", 0.8),
      new Rate("USD", "JPY", 110L), new Rate("USD", "GBP", 0.7), new Rate("USD", "CAD", 1.3),
      new Rate("USD", "AUD", 1.4), new Rate("USD", "INR", 70L), new Rate("USD", "RUB", 60L),
      new Rate("USD", "BRL", 3.8), new Rate("USD", "MXN", 20L));

  private static final String SUPPORT_MESSAGE = "Thank you for contacting customer support. Your message has been "
      + "received and we will get back to you shortly.";

  private record Route(String from, String to, long base) {}

  private record Rate(String base, String target, Object rate) {}

  private PyRandom random;
  private Map<Object, Object> creditCardList;
  private Map<Object, Object> bookingRecord;
  private Object accessToken;
  private Object tokenType;
  private Object tokenExpiresIn;
  private Object tokenScope;
  private Object userFirstName;
  private Object userLastName;
  private Object budgetLimit;
  private boolean longContext;
  private boolean loaded;
  /** {@code _flight_cost_lookup}: "from|to|class|date" to {"cost": float}, as get_flight_cost last filled it. */
  private Map<String, Map<Object, Object>> flightCostLookup = new LinkedHashMap<>();
  private Clock clock = Clock.systemDefaultZone();

  public TravelAPI() {
    define("authenticate_travel", a -> authenticateTravel(a.get("grant_type"), a.get("user_first_name"),
            a.get("user_last_name")), Param.req("client_id"), Param.req("client_secret"), Param.req("refresh_token"),
        Param.req("grant_type"), Param.req("user_first_name"), Param.req("user_last_name"));
    define("travel_get_login_status", a -> travelGetLoginStatus());
    define("get_budget_fiscal_year", a -> dict("budget_fiscal_year", "2018"), Param.opt("lastModifiedAfter", null),
        Param.opt("includeRemoved", null));
    define("register_credit_card", a -> registerCreditCard(a.get("access_token"), a.get("card_number"),
            a.get("expiration_date"), a.get("cardholder_name"), a.get("card_verification_number")),
        Param.req("access_token"), Param.req("card_number"), Param.req("expiration_date"),
        Param.req("cardholder_name"), Param.req("card_verification_number"));
    define("get_flight_cost", a -> getFlightCost(a.get("travel_from"), a.get("travel_to"), a.get("travel_date"),
            a.get("travel_class")), Param.req("travel_from"), Param.req("travel_to"), Param.req("travel_date"),
        Param.req("travel_class"));
    define("get_credit_card_balance", a -> getCreditCardBalance(a.get("access_token"), a.get("card_id")),
        Param.req("access_token"), Param.req("card_id"));
    define("book_flight", a -> bookFlight(a.get("access_token"), a.get("card_id"), a.get("travel_date"),
            a.get("travel_from"), a.get("travel_to"), a.get("travel_class")), Param.req("access_token"),
        Param.req("card_id"), Param.req("travel_date"), Param.req("travel_from"), Param.req("travel_to"),
        Param.req("travel_class"));
    define("retrieve_invoice", a -> retrieveInvoice(a.get("access_token"), a.get("booking_id")),
        Param.req("access_token"), Param.opt("booking_id", null), Param.opt("insurance_id", null));
    define("get_booking_history", a -> getBookingHistory(a.get("access_token")), Param.req("access_token"));
    define("list_all_airports", a -> new ArrayList<Object>(AIRPORTS));
    define("cancel_booking", a -> cancelBooking(a.get("access_token"), a.get("booking_id")),
        Param.req("access_token"), Param.req("booking_id"));
    define("compute_exchange_rate", a -> computeExchangeRate(a.get("base_currency"), a.get("target_currency"),
        a.get("value")), Param.req("base_currency"), Param.req("target_currency"), Param.req("value"));
    define("verify_traveler_information", a -> verifyTravelerInformation(a.get("first_name"), a.get("last_name"),
            a.get("date_of_birth"), a.get("passport_number")), Param.req("first_name"), Param.req("last_name"),
        Param.req("date_of_birth"), Param.req("passport_number"));
    define("set_budget_limit", a -> setBudgetLimit(a.get("access_token"), a.get("budget_limit")),
        Param.req("access_token"), Param.req("budget_limit"));
    define("get_nearest_airport_by_city", a -> getNearestAirportByCity(a.get("location")), Param.req("location"));
    define("purchase_insurance", a -> purchaseInsurance(a.get("access_token"), a.get("booking_id"),
            a.get("insurance_cost"), a.get("card_id")), Param.req("access_token"), Param.req("insurance_type"),
        Param.req("booking_id"), Param.req("insurance_cost"), Param.req("card_id"));
    define("contact_customer_support", a -> contactCustomerSupport(a.get("booking_id")), Param.req("booking_id"),
        Param.req("message"));
    define("get_all_credit_cards", a -> dict("credit_card_list", creditCardList));
  }

  /** Where {@code datetime.today()} reads the date (verify_traveler_information's age check). */
  public void setClock(Clock clock) {
    this.clock = clock;
  }

  /**
   * Gives the long-context extensions fresh copies of long_context.py's constants for instances loaded from now on:
   * what a new Python process has. Instances already loaded keep the dicts they hold.
   */
  public static synchronized void resetSharedExtensions() {
    creditCardExtension = LongContext.get("CREDIT_CARD_EXTENSION");
    bookingRecordExtension = LongContext.get("BOOKING_RECORD_EXTENSION");
  }

  @Override
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {
    random = seededRandom(get(scenario, "random_seed", DEFAULT_RANDOM_SEED));
    creditCardList = dictAttribute(get(scenario, "credit_card_list", new LinkedHashMap<>()), "credit_card_list");
    bookingRecord = dictAttribute(get(scenario, "booking_record", new LinkedHashMap<>()), "booking_record");
    accessToken = get(scenario, "access_token", null);
    tokenType = get(scenario, "token_type", null);
    tokenExpiresIn = get(scenario, "token_expires_in", null);
    tokenScope = get(scenario, "token_scope", null);
    userFirstName = get(scenario, "user_first_name", null);
    userLastName = get(scenario, "user_last_name", null);
    budgetLimit = get(scenario, "budget_limit", null);
    this.longContext = longContext;
    loaded = true;
    if (longContext) {
      synchronized (TravelAPI.class) {
        // _add_credit_cards / _add_booking_records: the constants' own inner dicts, existing ids kept.
        creditCardExtension.forEach((id, card) -> {
          if (!contains(creditCardList, id)) {
            creditCardList.put(id, card);
          }
        });
        bookingRecordExtension.forEach((id, booking) -> {
          if (!contains(bookingRecord, id)) {
            bookingRecord.put(id, booking);
          }
        });
      }
    }
  }

  /** vars(self) without the private names; nothing public exists before _load_scenario has run. */
  @Override
  public Map<String, Object> state() {
    if (!loaded) {
      return new LinkedHashMap<>();
    }
    return attributes("credit_card_list", creditCardList, "booking_record", bookingRecord, "access_token",
        accessToken, "token_type", tokenType, "token_expires_in", tokenExpiresIn, "token_scope", tokenScope,
        "user_first_name", userFirstName, "user_last_name", userLastName, "budget_limit", budgetLimit,
        "long_context", longContext);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The public methods.

  private Object authenticateTravel(Object grantType, Object firstName, Object lastName) {
    tokenExpiresIn = 2L;
    accessToken = Long.toString(random.randint(100000, 999999));
    tokenType = "Bearer";
    tokenScope = grantType;
    userFirstName = firstName;
    userLastName = lastName;
    return dict("expires_in", 2L, "access_token", accessToken, "token_type", "Bearer", "scope", grantType);
  }

  private Object travelGetLoginStatus() {
    boolean notLoggedIn = tokenExpiresIn == null || tokenExpired();
    return dict("status", !notLoggedIn);
  }

  private Object registerCreditCard(Object token, Object cardNumber, Object expirationDate, Object cardholderName,
      Object verificationNumber) {
    if (tokenExpiresIn == null) {
      return dict("error", "Token not initialized");
    }
    if (tokenExpired()) {
      return dict("error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("error", "Invalid access token");
    }
    // The Python code looks the card number up among the card ids.
    if (contains(creditCardList, cardNumber)) {
      return dict("error", "Card already registered");
    }
    String cardId = Long.toString(random.randint(100000000000L, 999999999999L));
    Map<Object, Object> card = dict("card_number", cardNumber, "expiration_date", expirationDate, "cardholder_name",
        cardholderName, "card_verification_number", verificationNumber);
    card.put("balance", random.randint(10000, 99999));
    creditCardList.put(cardId, card);
    return dict("card_id", cardId);
  }

  private Object getFlightCost(Object travelFrom, Object travelTo, Object travelDate, Object travelClass) {
    // (travel_from, travel_to) in base_costs hashes the tuple first.
    requireHashable(travelFrom);
    requireHashable(travelTo);
    Route route = travelFrom instanceof String f && travelTo instanceof String t ? ROUTE_BY_PAIR.get(f + " " + t)
        : null;
    if (route == null) {
      throw PyException.valueError("No available route for the given airports.");
    }
    long factor;
    if (PyEquals.equal(travelClass, "economy")) {
      factor = 1;
    } else if (PyEquals.equal(travelClass, "business")) {
      factor = 2;
    } else if (PyEquals.equal(travelClass, "first")) {
      factor = 5;
    } else {
      throw PyException.valueError("Invalid travel class. Options are: economy, business, first.");
    }
    long dateMultiplier = digitSumIsEven(travelDate) ? 2 : 1;
    String suffix = "|" + PyRepr.str(travelClass) + "|" + PyRepr.str(travelDate);
    List<Object> costs = new ArrayList<>();
    flightCostLookup = new LinkedHashMap<>();
    if (longContext) {
      for (Route r : ROUTES) {
        double cost = (double) (r.base() * factor * dateMultiplier);
        flightCostLookup.put(r.from() + "|" + r.to() + suffix, dict("cost", cost));
        costs.add(cost);
      }
    } else {
      double cost = (double) (route.base() * factor * dateMultiplier);
      costs.add(cost);
      flightCostLookup.put(PyRepr.str(travelFrom) + "|" + PyRepr.str(travelTo) + suffix, dict("cost", cost));
    }
    return dict("travel_cost_list", costs);
  }

  private Object getCreditCardBalance(Object token, Object cardId) {
    if (tokenExpired()) {
      return dict("error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("error", "Invalid access token");
    }
    if (!contains(creditCardList, cardId)) {
      return dict("error", "Card not registered. Here are a list of card_id's: "
          + PyRepr.str(new ArrayList<>(creditCardList.keySet())));
    }
    return dict("card_balance", item(item(creditCardList, cardId), "balance"));
  }

  private Object bookFlight(Object token, Object cardId, Object travelDate, Object travelFrom, Object travelTo,
      Object travelClass) {
    if (tokenExpired()) {
      return dict("booking_status", false, "error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("booking_status", false, "error", "Invalid access token");
    }
    if (!contains(creditCardList, cardId)) {
      return dict("booking_status", false, "error", "Card not registered");
    }
    if (!isIn("balance", item(creditCardList, cardId))) {
      return dict("booking_status", false, "error", "Balance not found");
    }
    if (AIRPORTS.stream().noneMatch(code -> PyEquals.equal(travelFrom, code))) {
      return dict("booking_status", false, "error", "Invalid departure airport code: " + PyRepr.str(travelFrom));
    }
    if (AIRPORTS.stream().noneMatch(code -> PyEquals.equal(travelTo, code))) {
      return dict("booking_status", false, "error", "Invalid destination airport code: " + PyRepr.str(travelTo));
    }
    try {
      strptimeYearMonthDay(travelDate);
    } catch (PyException e) {
      if (!e.type().equals("ValueError")) {
        throw e;
      }
      return dict("booking_status", false, "error", "Invalid date format. Use YYYY-MM-DD.");
    }
    requireHashable(travelClass);
    if (!(travelClass instanceof String c && (c.equals("economy") || c.equals("business") || c.equals("first")))) {
      // f"... {valid_classes}" prints a set of three str, whose order CPython's per-process string hashing decides
      // (PYTHONHASHSEED); this is the order of the set literal, one of the orders Python prints.
      Set<Object> validClasses = new LinkedHashSet<>(List.of("economy", "business", "first"));
      return dict("booking_status", false, "error", "Invalid travel class. Must be one of "
          + PyRepr.str(validClasses));
    }
    Object travelCost;
    try {
      getFlightCost(travelFrom, travelTo, travelDate, travelClass);
      String key = PyRepr.str(travelFrom) + "|" + PyRepr.str(travelTo) + "|" + PyRepr.str(travelClass) + "|"
          + PyRepr.str(travelDate);
      Map<Object, Object> entry = flightCostLookup.get(key);
      if (entry == null) {
        return dict("booking_status", false, "error", "No available route for the given parameters");
      }
      travelCost = entry.get("cost");
    } catch (PyException e) {
      if (!e.type().equals("ValueError")) {
        throw e;
      }
      return dict("booking_status", false, "error", e.pyStr());
    }
    Object card = item(creditCardList, cardId);
    if (lessThan(item(card, "balance"), travelCost)) {
      return dict("booking_status", false, "error", "Insufficient funds");
    }
    if (budgetLimit != null && lessThan(item(card, "balance"), budgetLimit)) {
      return dict("booking_status", false, "error", "Balance is less than budget limit");
    }
    setItem(card, "balance", subtract(item(card, "balance"), travelCost));
    String bookingId = Long.toString(random.randint(1000000, 9999999));
    String transactionId = Long.toString(random.randint(10000000, 99999999));
    bookingRecord.put(bookingId, dict("card_id", cardId, "travel_date", travelDate, "travel_from", travelFrom,
        "travel_to", travelTo, "travel_class", travelClass, "travel_cost", travelCost, "transaction_id",
        transactionId));
    return dict("booking_id", bookingId, "transaction_id", transactionId, "booking_status", true, "booking_history",
        longContext ? bookingRecord : new LinkedHashMap<>());
  }

  private Object retrieveInvoice(Object token, Object bookingId) {
    if (tokenExpired()) {
      return dict("error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("error", "Invalid access token");
    }
    if (!contains(bookingRecord, bookingId)) {
      return dict("error", "Booking not found");
    }
    Map<Object, Object> invoice = dict("booking_id", bookingId);
    for (String field : List.of("travel_date", "travel_from", "travel_to", "travel_class", "travel_cost",
        "transaction_id")) {
      invoice.put(field, item(item(bookingRecord, bookingId), field));
    }
    return dict("invoice", invoice);
  }

  private Object getBookingHistory(Object token) {
    if (tokenExpired()) {
      return dict("error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("error", "Invalid access token");
    }
    return dict("booking_history", PyValues.deepCopy(bookingRecord));
  }

  private Object cancelBooking(Object token, Object bookingId) {
    if (tokenExpired()) {
      return dict("cancel_status", false, "error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("cancel_status", false, "error", "Invalid access token");
    }
    if (!contains(bookingRecord, bookingId)) {
      return dict("cancel_status", false, "error", "Booking not found");
    }
    Object cardId = item(item(bookingRecord, bookingId), "card_id");
    Object travelCost = item(item(bookingRecord, bookingId), "travel_cost");
    Object card = item(creditCardList, cardId);
    setItem(card, "balance", addInPlace(item(card, "balance"), travelCost));
    bookingRecord.remove(keyOf(bookingRecord, bookingId));
    return dict("cancel_status", true);
  }

  private Object computeExchangeRate(Object base, Object target, Object value) {
    for (Rate r : RATES) {
      if (PyEquals.equal(base, r.base()) && PyEquals.equal(target, r.target())) {
        return dict("exchanged_value", toFloat(multiply(value, r.rate())));
      } else if (PyEquals.equal(base, r.target()) && PyEquals.equal(target, r.base())) {
        return dict("exchanged_value", PyMath.round(trueDivide(value, r.rate()), 2));
      }
    }
    throw PyException.valueError("No available exchange rate for the given currencies.");
  }

  private Object verifyTravelerInformation(Object firstName, Object lastName, Object dateOfBirth,
      Object passportNumber) {
    if (!PyEquals.equal(userFirstName, firstName) || !PyEquals.equal(userLastName, lastName)) {
      return dict("verification_status", false, "verification_failure",
          "Cannot book flight information for another user.Expected " + PyRepr.str(userFirstName) + " "
              + PyRepr.str(userLastName) + ", got " + PyRepr.str(firstName) + " " + PyRepr.str(lastName));
    }
    long age;
    try {
      LocalDate birth = strptimeYearMonthDay(dateOfBirth);
      LocalDate today = LocalDate.now(clock);
      boolean beforeBirthday = today.getMonthValue() < birth.getMonthValue()
          || (today.getMonthValue() == birth.getMonthValue() && today.getDayOfMonth() < birth.getDayOfMonth());
      age = today.getYear() - birth.getYear() - (beforeBirthday ? 1 : 0);
    } catch (PyException e) {
      if (!e.type().equals("ValueError")) {
        throw e;
      }
      return dict("verification_status", false, "verification_failure",
          "Invalid date of birth format. Please use YYYY-MM-DD.");
    }
    if (age < 18) {
      return dict("verification_status", false, "verification_failure", "Traveler must be at least 18 years old.");
    }
    if (!(passportNumber instanceof String passport)) {
      throw PyException.attributeError("'" + PyTypes.name(passportNumber) + "' object has no attribute 'startswith'");
    }
    if (!passport.startsWith("US")) {
      return dict("verification_status", false, "verification_failure",
          "Passport must be issued by the United States.");
    }
    return dict("verification_status", true);
  }

  private Object setBudgetLimit(Object token, Object limit) {
    if (tokenExpired()) {
      return dict("error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("error", "Invalid access token");
    }
    double value = toFloat(limit);
    budgetLimit = value;
    return dict("budget_limit", value);
  }

  private Object getNearestAirportByCity(Object location) {
    requireHashable(location);
    String airport = location instanceof String city ? AIRPORT_BY_CITY.get(city) : null;
    return dict("nearest_airport", airport == null ? "Unknown" : airport);
  }

  private Object purchaseInsurance(Object token, Object bookingId, Object insuranceCost, Object cardId) {
    if (tokenExpired()) {
      return dict("insurance_status", false, "error", "Token expired");
    }
    if (!PyEquals.equal(token, accessToken)) {
      return dict("insurance_status", false, "error", "Invalid access token");
    }
    if (budgetLimit != null && lessThan(budgetLimit, insuranceCost)) {
      return dict("insurance_status", false, "error", "Exceeded budget limit");
    }
    if (!contains(bookingRecord, bookingId)) {
      return dict("insurance_status", false, "error", "Booking not found");
    }
    if (!contains(creditCardList, cardId)) {
      return dict("insurance_status", false, "error", "Credit card not registered");
    }
    Object card = item(creditCardList, cardId);
    setItem(card, "balance", subtract(item(card, "balance"), insuranceCost));
    return dict("insurance_id", Long.toString(random.randint(100000000, 999999999)), "insurance_status", true);
  }

  private Object contactCustomerSupport(Object bookingId) {
    if (!contains(bookingRecord, bookingId)) {
      return dict("error", "Booking not found");
    }
    return dict("customer_support_message", SUPPORT_MESSAGE);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Python semantics the methods rely on.

  /** {@code self.token_expires_in == 0} (0, 0.0 and False all count). */
  private boolean tokenExpired() {
    return PyEquals.equal(tokenExpiresIn, 0L);
  }

  private static Map<Object, Object> dict(Object... keysAndValues) {
    Map<Object, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> dictAttribute(Object v, String name) {
    if (v instanceof Map<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    // The Python class would store it and fail at its first use as a dict; BFCL's scenarios always hold dicts.
    throw new IllegalArgumentException("TravelAPI scenario " + name + " is not a dict: " + PyRepr.repr(v));
  }

  /** Hashing a dict key or set element: list, dict and set (also inside a tuple) raise TypeError. */
  private static void requireHashable(Object v) {
    if (v instanceof List<?> || v instanceof Map<?, ?> || v instanceof Set<?>) {
      throw PyException.typeError("unhashable type: '" + PyTypes.name(v) + "'");
    }
    if (v instanceof PyTuple t) {
      t.items().forEach(TravelAPI::requireHashable);
    }
  }

  /** The key of {@code m} equal to {@code key} under Python's dict lookup, or null when there is none. */
  private static Object keyOf(Map<Object, Object> m, Object key) {
    requireHashable(key);
    if (m.containsKey(key)) {
      return key;
    }
    for (Object k : m.keySet()) {
      if (PyEquals.equal(k, key)) {
        return k;
      }
    }
    return null;
  }

  /** {@code key in d} for a dict. */
  private static boolean contains(Map<Object, Object> m, Object key) {
    requireHashable(key);
    return m.containsKey(key) || m.keySet().stream().anyMatch(k -> PyEquals.equal(k, key));
  }

  /** {@code needle in container} for the containers a scenario may hold where a card dict is expected. */
  @SuppressWarnings("unchecked")
  private static boolean isIn(Object needle, Object container) {
    if (container instanceof Map<?, ?> m) {
      return contains((Map<Object, Object>) m, needle);
    }
    if (container instanceof Collection<?> c) {
      return c.stream().anyMatch(x -> PyEquals.equal(x, needle));
    }
    if (container instanceof PyTuple t) {
      return t.items().stream().anyMatch(x -> PyEquals.equal(x, needle));
    }
    if (container instanceof String s && needle instanceof String n) {
      return s.contains(n);
    }
    throw PyException.typeError("argument of type '" + PyTypes.name(container) + "' is not iterable");
  }

  /** {@code container[key]} with a str or dict-lookup key: KeyError when missing, TypeError when not subscriptable. */
  @SuppressWarnings("unchecked")
  private static Object item(Object container, Object key) {
    if (container instanceof Map<?, ?> m) {
      Object k = keyOf((Map<Object, Object>) m, key);
      if (k == null) {
        throw PyException.keyError(key);
      }
      return m.get(k);
    }
    if (container instanceof List<?> || container instanceof PyTuple) {
      throw PyException.typeError(PyTypes.name(container) + " indices must be integers or slices, not "
          + PyTypes.name(key));
    }
    if (container instanceof String) {
      throw PyException.typeError("string indices must be integers, not '" + PyTypes.name(key) + "'");
    }
    throw PyException.typeError("'" + PyTypes.name(container) + "' object is not subscriptable");
  }

  /** {@code container[key] = value} where container was just read as a dict by {@link #item}. */
  @SuppressWarnings("unchecked")
  private static void setItem(Object container, Object key, Object value) {
    Map<Object, Object> m = (Map<Object, Object>) container;
    Object k = keyOf(m, key);
    m.put(k == null ? key : k, value);
  }

  /** {@code a < b}; a NaN operand makes it False, as in Python. */
  private static boolean lessThan(Object a, Object b) {
    if (isNaN(a) || isNaN(b)) {
      if (isNumber(a) && isNumber(b)) {
        return false;
      }
    }
    return PyCompare.compare(a, b) < 0;
  }

  private static boolean isNaN(Object v) {
    return v instanceof Double d && d.isNaN();
  }

  private static boolean isNumber(Object v) {
    return PyTypes.isInt(v) || v instanceof Double;
  }

  private static BigInteger bigInt(Object v) {
    if (v instanceof Boolean b) {
      return b ? BigInteger.ONE : BigInteger.ZERO;
    }
    if (v instanceof BigInteger i) {
      return i;
    }
    return BigInteger.valueOf(((Number) v).longValue());
  }

  /** A Python int as Long when it fits, as Python's ints print the same either way. */
  private static Object intValue(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : i;
  }

  /** An int or float operand as a double, as float arithmetic converts an int (OverflowError when too large). */
  private static double asDouble(Object v) {
    if (v instanceof Double d) {
      return d;
    }
    double d = bigInt(v).doubleValue();
    if (Double.isInfinite(d)) {
      throw new PyException("OverflowError", "int too large to convert to float");
    }
    return d;
  }

  /** {@code a -= b} (a balance minus a cost). */
  private static Object subtract(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
        return intValue(bigInt(a).subtract(bigInt(b)));
      }
      return asDouble(a) - asDouble(b);
    }
    throw PyException.typeError("unsupported operand type(s) for -=: '" + PyTypes.name(a) + "' and '"
        + PyTypes.name(b) + "'");
  }

  /** {@code a += b} (a balance plus a refunded cost). */
  @SuppressWarnings("unchecked")
  private static Object addInPlace(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
        return intValue(bigInt(a).add(bigInt(b)));
      }
      return asDouble(a) + asDouble(b);
    }
    if (a instanceof String s) {
      if (b instanceof String t) {
        return s + t;
      }
      throw PyException.typeError("can only concatenate str (not \"" + PyTypes.name(b) + "\") to str");
    }
    if (a instanceof List<?> l) {
      // list += iterable extends the list in place.
      ((List<Object>) l).addAll(iterate(b));
      return l;
    }
    if (a instanceof PyTuple t) {
      if (b instanceof PyTuple u) {
        List<Object> items = new ArrayList<>(t.items());
        items.addAll(u.items());
        return new PyTuple(items);
      }
      throw PyException.typeError("can only concatenate tuple (not \"" + PyTypes.name(b) + "\") to tuple");
    }
    throw PyException.typeError("unsupported operand type(s) for +=: '" + PyTypes.name(a) + "' and '"
        + PyTypes.name(b) + "'");
  }

  /** The items {@code for x in v} yields: a str's characters, a dict's keys. */
  private static List<Object> iterate(Object v) {
    if (v instanceof String s) {
      List<Object> chars = new ArrayList<>();
      s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
      return chars;
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof Collection<?> c) {
      return new ArrayList<>(c);
    }
    if (v instanceof PyTuple t) {
      return new ArrayList<>(t.items());
    }
    throw PyException.typeError("'" + PyTypes.name(v) + "' object is not iterable");
  }

  /** {@code value * rate} for compute_exchange_rate, rate an int or a float. */
  private static Object multiply(Object value, Object rate) {
    if (isNumber(value)) {
      if (PyTypes.isInt(value) && rate instanceof Long r) {
        return intValue(bigInt(value).multiply(BigInteger.valueOf(r)));
      }
      return asDouble(value) * asDouble(rate);
    }
    if (value instanceof String || value instanceof List<?> || value instanceof PyTuple) {
      if (!(rate instanceof Long r)) {
        throw PyException.typeError("can't multiply sequence by non-int of type '" + PyTypes.name(rate) + "'");
      }
      if (value instanceof String s) {
        return s.repeat((int) Math.max(0, r));
      }
      List<Object> items = new ArrayList<>();
      for (long i = 0; i < r; i++) {
        items.addAll(iterate(value));
      }
      return value instanceof PyTuple ? new PyTuple(items) : items;
    }
    throw PyException.typeError("unsupported operand type(s) for *: '" + PyTypes.name(value) + "' and '"
        + PyTypes.name(rate) + "'");
  }

  /** {@code value / rate} (true division) for compute_exchange_rate. */
  private static double trueDivide(Object value, Object rate) {
    if (!isNumber(value)) {
      throw PyException.typeError("unsupported operand type(s) for /: '" + PyTypes.name(value) + "' and '"
          + PyTypes.name(rate) + "'");
    }
    if (PyTypes.isInt(value) && rate instanceof Long r) {
      BigInteger n = bigInt(value);
      if (n.bitLength() <= 53) {
        return n.doubleValue() / r; // both exact as doubles: one correctly rounded division, as CPython does
      }
      // CPython's long_true_divide rounds the exact quotient once; enough digits make the decimal rounding exact.
      BigDecimal q = new BigDecimal(n).divide(BigDecimal.valueOf(r),
          new MathContext(n.toString().length() + 40, RoundingMode.HALF_EVEN));
      double d = Double.parseDouble(q.toString());
      if (Double.isInfinite(d)) {
        throw new PyException("OverflowError", "integer division result too large for a float");
      }
      return d;
    }
    return asDouble(value) / asDouble(rate);
  }

  /** {@code float(v)}. */
  private static double toFloat(Object v) {
    if (isNumber(v)) {
      return asDouble(v);
    }
    if (v instanceof String s) {
      return parseFloat(s);
    }
    throw PyException.typeError("float() argument must be a string or a real number, not '" + PyTypes.name(v)
        + "'");
  }

  private static final Pattern FLOAT_TEXT =
      Pattern.compile("[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))");

  /**
   * {@code float(str)}: Unicode decimal digits read as ASCII ones, Unicode white space stripped, underscores only
   * between digits, then a decimal or inf/infinity/nan (any case), else ValueError with the repr of the text.
   */
  private static double parseFloat(String text) {
    StringBuilder ascii = new StringBuilder();
    text.codePoints().forEach(c -> {
      int digit = decimalValue(c);
      if (isSpace(c)) {
        ascii.append(' ');
      } else if (digit >= 0) {
        ascii.append((char) ('0' + digit));
      } else {
        ascii.append(c < 128 ? (char) c : '?');
      }
    });
    String s = ascii.toString();
    if (s.indexOf('_') >= 0) {
      StringBuilder plain = new StringBuilder();
      char prev = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean digitPrev = prev >= '0' && prev <= '9';
        if (c == '_' ? !digitPrev : prev == '_' && !(c >= '0' && c <= '9')) {
          throw cannotConvert(text);
        }
        if (c != '_') {
          plain.append(c);
        }
        prev = c;
      }
      if (prev == '_') {
        throw cannotConvert(text);
      }
      s = plain.toString();
    }
    s = s.strip();
    if (!FLOAT_TEXT.matcher(s).matches()) {
      throw cannotConvert(text);
    }
    String lower = s.toLowerCase(Locale.ROOT);
    boolean negative = lower.startsWith("-");
    String body = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (body.equals("inf") || body.equals("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(s);
  }

  private static PyException cannotConvert(String text) {
    return PyException.valueError("could not convert string to float: " + PyRepr.repr(text));
  }

  /** Python's str.isspace, per character (Python 3.11, Unicode 14.0). */
  private static final int[] SPACE_RANGES = {0x9, 0xd, 0x1c, 0x20, 0x85, 0x85, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000,
      0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000};

  /** The zero of every run of ten decimal digits (Unicode category Nd) in Python 3.11's Unicode 14.0 database. */
  private static final int[] DECIMAL_ZEROS = {0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6,
      0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
      0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0,
      0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
      0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
      0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0};

  /** Characters for which str.isdigit() holds but str.isdecimal() does not (superscripts, circled digits...). */
  private static final int[] DIGIT_ONLY_RANGES = {0xb2, 0xb3, 0xb9, 0xb9, 0x1369, 0x1371, 0x19da, 0x19da, 0x2070,
      0x2070, 0x2074, 0x2079, 0x2080, 0x2089, 0x2460, 0x2468, 0x2474, 0x247c, 0x2488, 0x2490, 0x24ea, 0x24ea, 0x24f5,
      0x24fd, 0x24ff, 0x24ff, 0x2776, 0x277e, 0x2780, 0x2788, 0x278a, 0x2792, 0x10a40, 0x10a43, 0x10e60, 0x10e68,
      0x11052, 0x1105a, 0x1f100, 0x1f10a};

  private static boolean inRanges(int[] ranges, int c) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (c >= ranges[i] && c <= ranges[i + 1]) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSpace(int c) {
    return inRanges(SPACE_RANGES, c);
  }

  /** The value of a decimal digit (what int() reads, what regex \d matches), or -1. */
  private static int decimalValue(int c) {
    for (int zero : DECIMAL_ZEROS) {
      if (c >= zero && c < zero + 10) {
        return c - zero;
      }
    }
    return -1;
  }

  private static boolean isDigitChar(int c) {
    return decimalValue(c) >= 0 || inRanges(DIGIT_ONLY_RANGES, c);
  }

  /**
   * get_flight_cost's {@code sum(int(char) for char in travel_date if char.isdigit()) % 2 == 0}, over whatever
   * travel_date iterates to. Only the parity of the sum matters, and an int's parity is its last digit's.
   */
  private static boolean digitSumIsEven(Object travelDate) {
    int parity = 0;
    for (Object element : iterate(travelDate)) {
      if (!(element instanceof String s)) {
        throw PyException.attributeError("'" + PyTypes.name(element) + "' object has no attribute 'isdigit'");
      }
      if (s.isEmpty() || !s.codePoints().allMatch(TravelAPI::isDigitChar)) {
        continue;
      }
      if (!s.codePoints().allMatch(c -> decimalValue(c) >= 0)) {
        throw PyException.valueError("invalid literal for int() with base 10: " + PyRepr.repr(s));
      }
      parity ^= decimalValue(s.codePointBefore(s.length())) & 1;
    }
    return parity == 0;
  }

  /**
   * {@code datetime.strptime(text, "%Y-%m-%d")} reduced to what the callers use: the date, a ValueError when the text
   * does not match or names no real day, a TypeError when it is not a str. It follows _strptime's regex, whose
   * alternatives are tried in order and whose \d takes any Unicode decimal digit: %Y four digits,
   * %m {@code 1[0-2]|0[1-9]|[1-9]}, %d {@code 3[01]|[12]\d|0[1-9]|[1-9]| [1-9]}, nothing after.
   */
  private static LocalDate strptimeYearMonthDay(Object text) {
    if (!(text instanceof String s)) {
      throw PyException.typeError("strptime() argument 1 must be str, not "
          + (text == null ? "None" : PyTypes.name(text)));
    }
    int[] cps = s.codePoints().toArray();
    int pos = 0;
    long year = 0;
    for (int i = 0; i < 4; i++, pos++) {
      if (pos >= cps.length || decimalValue(cps[pos]) < 0) {
        throw noMatch(s);
      }
      year = year * 10 + decimalValue(cps[pos]);
    }
    if (pos >= cps.length || cps[pos] != '-') {
      throw noMatch(s);
    }
    pos++;
    int month;
    if (at(cps, pos, '1') && between(cps, pos + 1, '0', '2')) {
      month = 10 + cps[pos + 1] - '0';
      pos += 2;
    } else if (at(cps, pos, '0') && between(cps, pos + 1, '1', '9')) {
      month = cps[pos + 1] - '0';
      pos += 2;
    } else if (between(cps, pos, '1', '9')) {
      month = cps[pos] - '0';
      pos += 1;
    } else {
      throw noMatch(s);
    }
    if (!at(cps, pos, '-')) {
      throw noMatch(s);
    }
    pos++;
    int day;
    if (at(cps, pos, '3') && between(cps, pos + 1, '0', '1')) {
      day = 30 + cps[pos + 1] - '0';
      pos += 2;
    } else if (between(cps, pos, '1', '2') && pos + 1 < cps.length && decimalValue(cps[pos + 1]) >= 0) {
      day = (cps[pos] - '0') * 10 + decimalValue(cps[pos + 1]);
      pos += 2;
    } else if (at(cps, pos, '0') && between(cps, pos + 1, '1', '9')) {
      day = cps[pos + 1] - '0';
      pos += 2;
    } else if (between(cps, pos, '1', '9')) {
      day = cps[pos] - '0';
      pos += 1;
    } else if (at(cps, pos, ' ') && between(cps, pos + 1, '1', '9')) {
      day = cps[pos + 1] - '0';
      pos += 2;
    } else {
      throw noMatch(s);
    }
    if (pos != cps.length) {
      throw PyException.valueError("unconverted data remains: "
          + new String(cps, pos, cps.length - pos));
    }
    if (year < 1) {
      throw PyException.valueError("year " + year + " is out of range");
    }
    if (day > LocalDate.of((int) year, month, 1).lengthOfMonth()) {
      throw PyException.valueError("day is out of range for month");
    }
    return LocalDate.of((int) year, month, day);
  }

  private static boolean at(int[] cps, int pos, char c) {
    return pos < cps.length && cps[pos] == c;
  }

  private static boolean between(int[] cps, int pos, char lo, char hi) {
    return pos < cps.length && cps[pos] >= lo && cps[pos] <= hi;
  }

  private static PyException noMatch(String s) {
    return PyException.valueError("time data " + PyRepr.repr(s) + " does not match format '%Y-%m-%d'");
  }

  /**
   * {@code random.Random(seed)} as Python 3.11 seeds it: an int by its absolute value, a str (version 2) by the int
   * of its UTF-8 bytes followed by their SHA-512, a float by its hash as an unsigned 64-bit number, None from the
   * operating system's randomness; other types are refused.
   */
  static PyRandom seededRandom(Object seed) {
    if (seed == null) {
      return new PyRandom(new BigInteger(19937, new SecureRandom()));
    }
    if (PyTypes.isInt(seed)) {
      return new PyRandom(bigInt(seed));
    }
    if (seed instanceof Double d) {
      if (d.isNaN()) {
        // hash(nan) is the object's identity since Python 3.10: no two runs share it.
        return new PyRandom(new BigInteger(64, new SecureRandom()));
      }
      return new PyRandom(new BigInteger(Long.toUnsignedString(floatHash(d))));
    }
    if (seed instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      byte[] digest;
      try {
        digest = MessageDigest.getInstance("SHA-512").digest(utf8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      byte[] all = Arrays.copyOf(utf8, utf8.length + digest.length);
      System.arraycopy(digest, 0, all, utf8.length, digest.length);
      return new PyRandom(new BigInteger(1, all));
    }
    throw PyException.typeError("The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
  }

  /** CPython's hash(float): the value modulo 2**61 - 1 (_Py_HashDouble), with -1 made -2. */
  static long floatHash(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? 314159 : -314159;
    }
    BigInteger modulus = BigInteger.ONE.shiftLeft(61).subtract(BigInteger.ONE);
    BigDecimal exact = new BigDecimal(Math.abs(d));
    // |d| = unscaled / 10^scale with scale >= 0 for a non-integral double; reduce as a fraction modulo the prime.
    BigInteger numerator = exact.scale() > 0 ? exact.unscaledValue() : exact.toBigIntegerExact();
    BigInteger denominator = exact.scale() > 0 ? BigInteger.TEN.pow(exact.scale()) : BigInteger.ONE;
    long h = numerator.mod(modulus).multiply(denominator.modInverse(modulus)).mod(modulus).longValue();
    if (d < 0) {
      h = -h;
    }
    return h == -1 ? -2 : h;
  }

  private static List<Route> routes(String... specs) {
    List<Route> out = new ArrayList<>();
    for (String spec : specs) {
      String[] p = spec.split(" ");
      out.add(new Route(p[0], p[1], Long.parseLong(p[2])));
    }
    return List.copyOf(out);
  }

  private static Map<String, String> cityMap(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
