package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * BFCL's {@code TicketAPI} (func_source_code/ticket_api.py): a support-ticket queue with a logged-in user.
 *
 * <p>Tickets are the dicts in {@code ticket_queue}, returned and edited in place; values are kept exactly as the
 * scenario or the call gave them (a priority of "High" stays a str).
 */
public class TicketAPI extends Backend {
  private static final Set<String> VALID_FIELDS = Set.of("title", "description", "status", "priority");

  private Object ticketQueue;
  private Object ticketCounter;
  private Object currentUser;

  public TicketAPI() {
    define("create_ticket", a -> createTicket(a.get("title"), a.get("description"), a.get("priority")),
        Param.req("title"), Param.opt("description", ""), Param.opt("priority", 1L));
    define("get_ticket", a -> getTicket(a.get("ticket_id")), Param.req("ticket_id"));
    define("close_ticket", a -> closeTicket(a.get("ticket_id")), Param.req("ticket_id"));
    define("resolve_ticket", a -> resolveTicket(a.get("ticket_id"), a.get("resolution")), Param.req("ticket_id"),
        Param.req("resolution"));
    define("edit_ticket", a -> editTicket(a.get("ticket_id"), a.get("updates")), Param.req("ticket_id"),
        Param.req("updates"));
    define("ticket_login", a -> ticketLogin(a.get("username"), a.get("password")), Param.req("username"),
        Param.req("password"));
    define("ticket_get_login_status", a -> result("login_status", Args.truthy(currentUser)));
    define("logout", a -> logout());
    define("get_user_tickets", a -> getUserTickets(a.get("status")), Param.opt("status", null));
  }

  @Override
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {
    ticketQueue = get(scenario, "ticket_queue", new ArrayList<>());
    ticketCounter = get(scenario, "ticket_counter", 1L);
    currentUser = get(scenario, "current_user", null);
  }

  @Override
  public Map<String, Object> state() {
    return attributes("ticket_queue", ticketQueue, "ticket_counter", ticketCounter, "current_user", currentUser);
  }

  private Map<String, Object> createTicket(Object title, Object description, Object priority) {
    if (!Args.truthy(currentUser)) {
      return result("error", "User not authenticated. Please log in to create a ticket.");
    }
    if (lessThan(priority, 1L) || lessThan(5L, priority)) {
      return result("error", "Invalid priority. Priority must be between 1 and 5.");
    }
    Map<String, Object> ticket = new LinkedHashMap<>();
    ticket.put("id", ticketCounter);
    ticket.put("title", title);
    ticket.put("description", description);
    ticket.put("status", "Open");
    ticket.put("priority", priority);
    ticket.put("created_by", currentUser);
    append(ticketQueue, ticket);
    ticketCounter = plusOne(ticketCounter);
    return ticket;
  }

  private Object getTicket(Object ticketId) {
    Object ticket = findTicket(ticketId);
    if (!Args.truthy(ticket)) {
      return notFound(ticketId);
    }
    return ticket;
  }

  private Map<String, Object> closeTicket(Object ticketId) {
    Object ticket = findTicket(ticketId);
    if (!Args.truthy(ticket)) {
      return notFound(ticketId);
    }
    if (PyEquals.equal(getItem(ticket, "status"), "Closed")) {
      return result("error", "Ticket with ID " + PyRepr.str(ticketId) + " is already closed.");
    }
    setItem(ticket, "status", "Closed");
    return result("status", "Ticket " + PyRepr.str(ticketId) + " has been closed successfully.");
  }

  private Map<String, Object> resolveTicket(Object ticketId, Object resolution) {
    Object ticket = findTicket(ticketId);
    if (!Args.truthy(ticket)) {
      return notFound(ticketId);
    }
    if (PyEquals.equal(getItem(ticket, "status"), "Resolved")) {
      return result("error", "Ticket with ID " + PyRepr.str(ticketId) + " is already resolved.");
    }
    setItem(ticket, "status", "Resolved");
    setItem(ticket, "resolution", resolution);
    return result("status", "Ticket " + PyRepr.str(ticketId) + " has been resolved successfully.");
  }

  private Map<String, Object> editTicket(Object ticketId, Object updates) {
    Object ticket = findTicket(ticketId);
    if (!Args.truthy(ticket)) {
      return notFound(ticketId);
    }
    if (!(updates instanceof Map<?, ?> fields)) {
      throw PyException.attributeError("'" + PyTypes.name(updates) + "' object has no attribute 'keys'");
    }
    // set(updates.keys()) - valid_fields, joined with ", ". Python iterates that set in hash order, which for str
    // depends on PYTHONHASHSEED; with two or more invalid fields no order is reproducible, so this takes the order of
    // the updates dict (with one, the message is exact).
    List<Object> invalid = new ArrayList<>();
    for (Object key : fields.keySet()) {
      if (!(key instanceof String s && VALID_FIELDS.contains(s))) {
        invalid.add(key);
      }
    }
    if (!invalid.isEmpty()) {
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < invalid.size(); i++) {
        if (!(invalid.get(i) instanceof String s)) {
          throw PyException.typeError("sequence item " + i + ": expected str instance, "
              + PyTypes.name(invalid.get(i)) + " found");
        }
        joined.append(i == 0 ? "" : ", ").append(s);
      }
      return result("error", "Invalid fields for update: " + joined);
    }
    for (Map.Entry<?, ?> e : fields.entrySet()) {
      if (e.getValue() != null) {
        setItem(ticket, e.getKey(), e.getValue());
      }
    }
    return result("status", "Ticket " + PyRepr.str(ticketId) + " has been updated successfully.");
  }

  /** {@code _find_ticket}: the first ticket whose "id" equals the argument, or None. */
  private Object findTicket(Object ticketId) {
    for (Object ticket : iterate(ticketQueue)) {
      if (PyEquals.equal(getItem(ticket, "id"), ticketId)) {
        return ticket;
      }
    }
    return null;
  }

  private Map<String, Object> ticketLogin(Object user, Object pass) {
    // "Simplified authentication" in ticket_api.py: any truthy pair logs in, and the username is kept as given.
    if (Args.truthy(user) && Args.truthy(pass)) {
      currentUser = user;
      return result("success", true);
    }
    return result("success", false);
  }

  private Map<String, Object> logout() {
    if (Args.truthy(currentUser)) {
      currentUser = null;
      return result("success", true);
    }
    return result("success", false);
  }

  private List<Object> getUserTickets(Object status) {
    if (!Args.truthy(currentUser)) {
      List<Object> error = new ArrayList<>();
      error.add(result("error", "User not authenticated. Please log in to view tickets."));
      return error;
    }
    List<Object> mine = new ArrayList<>();
    for (Object ticket : iterate(ticketQueue)) {
      if (PyEquals.equal(getItem(ticket, "created_by"), currentUser)) {
        mine.add(ticket);
      }
    }
    if (!Args.truthy(status)) {
      return mine;
    }
    List<Object> filtered = new ArrayList<>();
    for (Object ticket : mine) {
      // ticket["status"].lower() is evaluated before status.lower().
      String own = lower(getItem(ticket, "status"));
      if (own.equals(lower(status))) {
        filtered.add(ticket);
      }
    }
    return filtered;
  }

  private static Map<String, Object> notFound(Object ticketId) {
    return result("error", "Ticket with ID " + PyRepr.str(ticketId) + " not found.");
  }

  private static Map<String, Object> result(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  // ---- Python semantics of the few operations ticket_api.py applies to its values ----

  /** Python's {@code a < b}; NaN compares false, other unorderable pairs raise PyCompare's TypeError. */
  private static boolean lessThan(Object a, Object b) {
    if (a instanceof Double d && d.isNaN() || b instanceof Double e && e.isNaN()) {
      return false;
    }
    return PyCompare.compare(a, b) < 0;
  }

  /** {@code container[key]} for a str key. */
  private static Object getItem(Object container, Object key) {
    if (container instanceof Map<?, ?> m) {
      if (m.containsKey(key)) {
        return m.get(key);
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (PyEquals.equal(e.getKey(), key)) {
          return e.getValue();
        }
      }
      throw PyException.keyError(key);
    }
    String type = PyTypes.name(container);
    if (container instanceof String) {
      throw PyException.typeError("string indices must be integers, not '" + PyTypes.name(key) + "'");
    }
    if (container instanceof List || container instanceof PyTuple) {
      throw PyException.typeError(type + " indices must be integers or slices, not " + PyTypes.name(key));
    }
    throw PyException.typeError("'" + type + "' object is not subscriptable");
  }

  /** {@code container[key] = value}: an equal key already there keeps its identity and position. */
  @SuppressWarnings("unchecked")
  private static void setItem(Object container, Object key, Object value) {
    if (container instanceof Map<?, ?> m) {
      Object target = key;
      for (Object k : m.keySet()) {
        if (PyEquals.equal(k, key)) {
          target = k;
          break;
        }
      }
      ((Map<Object, Object>) m).put(target, value);
      return;
    }
    if (container instanceof List) {
      throw PyException.typeError("list indices must be integers or slices, not " + PyTypes.name(key));
    }
    throw PyException.typeError("'" + PyTypes.name(container) + "' object does not support item assignment");
  }

  @SuppressWarnings("unchecked")
  private static void append(Object list, Object item) {
    if (!(list instanceof List<?>)) {
      throw PyException.attributeError("'" + PyTypes.name(list) + "' object has no attribute 'append'");
    }
    ((List<Object>) list).add(item);
  }

  /** The items of {@code for x in v}. */
  private static List<Object> iterate(Object v) {
    if (v instanceof String s) {
      List<Object> chars = new ArrayList<>();
      s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
      return chars;
    }
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (v instanceof PyTuple t) {
      return new ArrayList<>(t.items());
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof Set<?> s) {
      return new ArrayList<>(s);
    }
    throw PyException.typeError("'" + PyTypes.name(v) + "' object is not iterable");
  }

  private static String lower(Object v) {
    if (v instanceof String s) {
      return s.toLowerCase(Locale.ROOT);
    }
    throw PyException.attributeError("'" + PyTypes.name(v) + "' object has no attribute 'lower'");
  }

  /** {@code n += 1}. */
  private static Object plusOne(Object n) {
    if (n instanceof Boolean b) {
      return b ? 2L : 1L;
    }
    if (n instanceof Long l) {
      return l == Long.MAX_VALUE ? BigInteger.valueOf(l).add(BigInteger.ONE) : (Object) (l + 1);
    }
    if (n instanceof Integer i) {
      return i + 1L;
    }
    if (n instanceof BigInteger i) {
      return i.add(BigInteger.ONE);
    }
    if (n instanceof Double d) {
      return d + 1.0;
    }
    if (n instanceof String) {
      throw PyException.typeError("can only concatenate str (not \"int\") to str");
    }
    if (n instanceof List<?>) {
      throw PyException.typeError("'int' object is not iterable"); // list += is list.extend
    }
    if (n instanceof PyTuple) {
      throw PyException.typeError("can only concatenate tuple (not \"int\") to tuple");
    }
    throw PyException.typeError("unsupported operand type(s) for +=: '" + PyTypes.name(n) + "' and 'int'");
  }
}
