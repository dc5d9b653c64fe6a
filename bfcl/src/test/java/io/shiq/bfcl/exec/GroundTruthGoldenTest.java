package io.shiq.bfcl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.py.PyJson;
import io.shiq.policy.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every shared BFCL record's ground truth, executed turn by turn on one set of instances, gives exactly the result
 * strings and the states BFCL's own Python gave ({@code ../shared/data/bfcl/golden/}).
 */
class GroundTruthGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyRecordsResultsAndStatesAreBfclsOwn() throws Exception {
    Path dir = TestData.require("bfcl");
    List<BfclRecord> records = BfclData.load(dir, List.of());
    Map<String, JsonNode> results = golden(dir.resolve("golden/ground_truth_execution.jsonl"));
    Map<String, JsonNode> states = golden(dir.resolve("golden/ground_truth_state.jsonl"));
    assertEquals(64, records.size(), "shared records");
    List<String> failures = new ArrayList<>();
    int calls = 0;
    int stateTurns = 0;
    for (BfclRecord r : records) {
      JsonNode expectedResults = results.get(r.id()).get("execution_results");
      JsonNode expectedStates = states.get(r.id()).get("state_after_turn");
      try {
        ExecutionSession session = new ExecutionSession(r.initialConfig(), r.involvedClasses(), r.longContext());
        for (int t = 0; t < r.groundTruth().size(); t++) {
          List<String> got = session.execute(r.groundTruth().get(t));
          for (int c = 0; c < got.size(); c++) {
            calls++;
            String want = expectedResults.get(t).get(c).asText();
            if (!want.equals(got.get(c))) {
              throw new AssertionError("turn " + t + " call " + c + " " + r.groundTruth().get(t).get(c)
                  + ":\n    expected " + want + "\n    got      " + got.get(c));
            }
          }
          stateTurns++;
          JsonNode state = JSON.readTree(PyJson.dumps(StateJson.of(session.instances()), true));
          String diff = JsonDiff.first(expectedStates.get(t), state, "state_after_turn/" + t);
          if (diff != null) {
            throw new AssertionError(diff);
          }
        }
      } catch (AssertionError | RuntimeException e) {
        failures.add(r.id() + ": " + e.getMessage());
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + records.size() + " records differ (" + calls
        + " calls and " + stateTurns + " states compared before the first difference of each):\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
  }

  static Map<String, JsonNode> golden(Path file) throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode n : BfclData.lines(file).values()) {
      out.put(n.get("id").asText(), n);
    }
    return out;
  }
}
