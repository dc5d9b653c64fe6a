package io.shiq.app.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.Environments;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.policy.TestData;
import io.shiq.policy.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A result line with BFCL's inference log: the tool results it logged are compared with the Java backends' results
 * for the same calls. The logs here carry what BFCL's own Python returned for the ground-truth calls (golden/), so
 * they must match; one altered result must be reported.
 */
class BfclImportLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void inferenceLogToolResultsAreComparedWithTheRebuiltOnes() throws Exception {
    Path data = TestData.require("bfcl");
    HfTokenizer qwen = HfTokenizer.load(TestData.require("qwen3-tokenizer"));
    BfclEnvironment env = (BfclEnvironment) Environments.create("bfcl", qwen, data, List.of("base"),
        Clock.systemUTC());
    Map<String, JsonNode> golden = new HashMap<>();
    for (String line : Files.readAllLines(data.resolve("golden/ground_truth_execution.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      golden.put(n.get("id").asText(), n.get("execution_results"));
    }
    BfclImport importer = new BfclImport(env, "main");
    for (BfclTask task : env.tasks().subList(0, 3)) {
      JsonNode results = golden.get(task.record().id());
      ObjectNode line = resultLine(task, results);
      BfclImport.Outcome ok = importer.fromResultLine(line, "test");
      assertNotNull(ok.trajectory(), ok.problem());
      String verdict = ok.trajectory().getMetadata().get("import.inference_log");
      assertTrue(verdict.startsWith("match"), task.record().id() + ": " + verdict + " "
          + ok.trajectory().getMetadata().get("import.inference_log_first_difference"));

      // The first logged result of the first turn with calls, altered.
      ArrayNode log = (ArrayNode) line.get("inference_log");
      for (JsonNode turn : log) {
        JsonNode step = turn.path("step_0");
        if (step.isArray() && step.size() > 1) {
          ((ObjectNode) step.get(1)).put("content", "{\"error\": \"something else\"}");
          break;
        }
      }
      BfclImport.Outcome changed = importer.fromResultLine(line, "test");
      String v = changed.trajectory().getMetadata().get("import.inference_log");
      assertTrue(v.startsWith("1 of "), v);
      assertTrue(changed.trajectory().getMetadata().get("import.inference_log_first_difference")
          .contains("something else"));
    }
  }

  /** The ground truth as decoded calls, with an inference log in BFCL's shape holding {@code results}. */
  private static ObjectNode resultLine(BfclTask task, JsonNode results) {
    ObjectNode line = JSON.createObjectNode().put("id", task.record().id());
    ArrayNode result = line.putArray("result");
    ArrayNode log = line.putArray("inference_log");
    log.addArray().addObject().put("role", "state_info"); // a state snapshot: not a turn
    List<List<String>> truth = task.record().groundTruth();
    for (int t = 0; t < truth.size(); t++) {
      ArrayNode calls = result.addArray().addArray();
      truth.get(t).forEach(calls::add);
      ObjectNode turn = log.addObject();
      turn.putArray("begin_of_turn_query");
      ArrayNode step0 = turn.putArray("step_0");
      step0.addObject().put("role", "assistant").put("content", "calls");
      for (JsonNode r : results.get(t)) {
        step0.addObject().put("role", "tool").put("content", r.asText());
      }
      if (!truth.get(t).isEmpty()) {
        turn.putArray("step_1").addObject().put("role", "assistant").put("content", "done");
      }
    }
    return line;
  }
}
