package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyOperators;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyStr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    define("ticket_get_login_status", a -> dict("login_status", Args.truthy(currentUser)));
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
      return dict("error", "User not authenticated. Please log in to create a ticket.");
    }
    if (PyCompare.lessThan(priority, 1L) || PyCompare.greaterThan(priority, 5L)) {
      return dict("error", "Invalid priority. Priority must be between 1 and 5.");
    }
    Map<String, Object> ticket = new LinkedHashMap<>();
    ticket.put("id", ticketCounter);
    ticket.put("title", title);
    ticket.put("description", description);
    ticket.put("status", "Open");
    ticket.put("priority", priority);
    ticket.put("created_by", currentUser);
    PyContainers.append(ticketQueue, ticket);
    ticketCounter = PyOperators.iadd(ticketCounter, 1L);
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
    if (PyEquals.equal(PyContainers.getItem(ticket, "status"), "Closed")) {
      return dict("error", "Ticket with ID " + PyRepr.str(ticketId) + " is already closed.");
    }
    PyContainers.setItem(ticket, "status", "Closed");
    return dict("status", "Ticket " + PyRepr.str(ticketId) + " has been closed successfully.");
  }

  private Map<String, Object> resolveTicket(Object ticketId, Object resolution) {
    Object ticket = findTicket(ticketId);
    if (!Args.truthy(ticket)) {
      return notFound(ticketId);
    }
    if (PyEquals.equal(PyContainers.getItem(ticket, "status"), "Resolved")) {
      return dict("error", "Ticket with ID " + PyRepr.str(ticketId) + " is already resolved.");
    }
    PyContainers.setItem(ticket, "status", "Resolved");
    PyContainers.setItem(ticket, "resolution", resolution);
    return dict("status", "Ticket " + PyRepr.str(ticketId) + " has been resolved successfully.");
  }

  private Map<String, Object> editTicket(Object ticketId, Object updates) {
    Object ticket = findTicket(ticketId);
    if (!Args.truthy(ticket)) {
      return notFound(ticketId);
    }
    Map<Object, Object> fields = PyContainers.asDict(updates, "keys");
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
      return dict("error", "Invalid fields for update: " + PyStr.join(", ", invalid));
    }
    for (Map.Entry<?, ?> e : fields.entrySet()) {
      if (e.getValue() != null) {
        PyContainers.setItem(ticket, e.getKey(), e.getValue());
      }
    }
    return dict("status", "Ticket " + PyRepr.str(ticketId) + " has been updated successfully.");
  }

  /** {@code _find_ticket}: the first ticket whose "id" equals the argument, or None. */
  private Object findTicket(Object ticketId) {
    for (Object ticket : PyContainers.iterate(ticketQueue)) {
      if (PyEquals.equal(PyContainers.getItem(ticket, "id"), ticketId)) {
        return ticket;
      }
    }
    return null;
  }

  private Map<String, Object> ticketLogin(Object user, Object pass) {
    // "Simplified authentication" in ticket_api.py: any truthy pair logs in, and the username is kept as given.
    if (Args.truthy(user) && Args.truthy(pass)) {
      currentUser = user;
      return dict("success", true);
    }
    return dict("success", false);
  }

  private Map<String, Object> logout() {
    if (Args.truthy(currentUser)) {
      currentUser = null;
      return dict("success", true);
    }
    return dict("success", false);
  }

  private List<Object> getUserTickets(Object status) {
    if (!Args.truthy(currentUser)) {
      List<Object> error = new ArrayList<>();
      error.add(dict("error", "User not authenticated. Please log in to view tickets."));
      return error;
    }
    List<Object> mine = new ArrayList<>();
    for (Object ticket : PyContainers.iterate(ticketQueue)) {
      if (PyEquals.equal(PyContainers.getItem(ticket, "created_by"), currentUser)) {
        mine.add(ticket);
      }
    }
    if (!Args.truthy(status)) {
      return mine;
    }
    List<Object> filtered = new ArrayList<>();
    for (Object ticket : mine) {
      // ticket["status"].lower() is evaluated before status.lower().
      String own = PyStr.lower(PyContainers.getItem(ticket, "status"));
      if (own.equals(PyStr.lower(status))) {
        filtered.add(ticket);
      }
    }
    return filtered;
  }

  private static Map<String, Object> notFound(Object ticketId) {
    return dict("error", "Ticket with ID " + PyRepr.str(ticketId) + " not found.");
  }
}
