package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.bfcl.exec.ExecutionSession;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** TicketAPI against BFCL's ticket_api.py: the golden records, and cases made by running the Python. */
class TicketAPITest {
  @TestFactory
  Stream<DynamicTest> goldenRecords() throws IOException {
    return BackendTestSupport.goldenTests("TicketAPI", c -> assertTrue(c.calls() > 0 && c.states() > 0,
        "nothing compared"));
  }

  /** TicketAPITest.jsonl: edge cases and errors, expected values from BFCL's Python (see its first line). */
  @TestFactory
  Stream<DynamicTest> pythonCases() {
    return BackendTestSupport.stepCases("TicketAPI", "TicketAPITest.jsonl");
  }

  @Test
  void declaresThePythonMethodsInOrder() {
    TicketAPI api = new TicketAPI();
    assertEquals(List.of("create_ticket", "get_ticket", "close_ticket", "resolve_ticket", "edit_ticket",
        "ticket_login", "ticket_get_login_status", "logout", "get_user_tickets"), List.copyOf(api.methodNames()));
    assertEquals(List.of("ticket_queue", "ticket_counter", "current_user"), List.copyOf(new ExecutionSession(
        Map.of(), List.of("TicketAPI"), false).instances().get("TicketAPI").state().keySet()));
  }

  /** Several invalid fields: Python joins them in str-hash order (PYTHONHASHSEED); the port uses the dict's order. */
  @Test
  void severalInvalidFieldsFollowTheUpdatesOrder() {
    ExecutionSession s = new ExecutionSession(Map.of("TicketAPI", Map.of("current_user", "amy")), List.of(
        "TicketAPI"), false);
    s.execute("create_ticket('t')");
    assertEquals("{\"error\": \"Invalid fields for update: owner, due\"}",
        s.execute("edit_ticket(1, {'owner': 1, 'title': 'x', 'due': 2})"));
  }
}
