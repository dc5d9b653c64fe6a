package io.shiq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shiq bfcl execute and check on the shared BFCL records. */
class BfclCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int rc = ShiqCommand.commandLine().execute(args);
      assertEquals(0, rc, "exit code of " + String.join(" ", args) + "\n" + out);
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void executeWritesTheGoldenFormAndCheckScoresTheGroundTruthAsPerfect(@TempDir Path tmp) throws Exception {
    Path data = TestData.require("bfcl");
    Path executed = tmp.resolve("executed.jsonl");
    run("bfcl", "execute", "--data", data.toString(), "--out", executed.toString());
    List<String> lines = Files.readAllLines(executed);
    assertEquals(64, lines.size());
    Map<String, JsonNode> golden = new HashMap<>();
    for (String l : Files.readAllLines(data.resolve("golden/ground_truth_execution.jsonl"))) {
      JsonNode n = JSON.readTree(l);
      golden.put(n.get("id").asText(), n.get("execution_results"));
    }
    List<String> results = new ArrayList<>();
    for (String l : lines) {
      JsonNode n = JSON.readTree(l);
      assertEquals(List.of("id", "execution_results", "state_after_turn"), fieldNames(n));
      assertEquals(golden.get(n.get("id").asText()), n.get("execution_results"), n.get("id").asText());
      results.add("{\"id\": " + n.get("id") + ", \"result\": " + JSON.writeValueAsString(asSteps(data,
          n.get("id").asText())) + "}");
    }
    Path model = tmp.resolve("model.jsonl");
    Files.write(model, results);
    Path verdicts = tmp.resolve("verdicts.jsonl");
    String out = run("bfcl", "check", "--data", data.toString(), "--results", model.toString(), "--out",
        verdicts.toString());
    String[] printed = out.strip().split("\n");
    JsonNode last = JSON.readTree(printed[printed.length - 1]);
    assertEquals("check", last.get("bfcl").asText());
    assertEquals(64, last.get("entries").asInt());
    assertEquals(1.0, last.get("overall").asDouble(), out);
    for (String category : List.of("base", "miss_func", "miss_param", "long_context")) {
      assertEquals(1.0, last.get("accuracy").get(category).asDouble(), category);
    }
    assertEquals(64, Files.readAllLines(verdicts).size());
  }

  @Test
  void evalWritesAResultFileThatCheckAcceptsAndScoresTheSame(@TempDir Path tmp) throws Exception {
    Path data = TestData.require("bfcl");
    Path model = tmp.resolve("model");
    run("model", "init", "--shape", "qwen2", "--layers", "1", "--dim", "16", "--heads", "2", "--kv-heads", "1",
        "--hidden", "32", "--seq-len", "16384", "--tokenizer", TestData.require("qwen3-tokenizer").toString(),
        "--out", model.toString());
    Path out = tmp.resolve("eval");
    String printed = run("bfcl", "eval", "--model", model.toString(), "--data", data.toString(), "--category",
        "base", "--limit", "3", "--max-tokens", "4", "--out", out.toString());
    String[] lines = printed.strip().split("\n");
    JsonNode eval = JSON.readTree(lines[lines.length - 1]);
    assertEquals("eval", eval.get("bfcl").asText());
    assertEquals(3, eval.get("entries").asInt());
    assertEquals(model.toString(), eval.get("model").asText());
    Path verdicts = tmp.resolve("check.jsonl");
    String checked = run("bfcl", "check", "--data", data.toString(), "--results",
        out.resolve("results.jsonl").toString(), "--out", verdicts.toString());
    String[] c = checked.strip().split("\n");
    JsonNode check = JSON.readTree(c[c.length - 1]);
    assertEquals(eval.get("accuracy"), check.get("accuracy"));
    assertEquals(eval.get("overall").asDouble(), check.get("overall").asDouble());
    // Verdict by verdict: the same validity and error type.
    List<String> a = new ArrayList<>();
    for (String l : Files.readAllLines(out.resolve("verdicts.jsonl"))) {
      JsonNode n = JSON.readTree(l);
      a.add(n.get("id").asText() + " " + n.get("valid") + " " + n.get("error_type"));
    }
    List<String> b = new ArrayList<>();
    for (String l : Files.readAllLines(verdicts)) {
      JsonNode n = JSON.readTree(l);
      b.add(n.get("id").asText() + " " + n.get("valid") + " " + n.get("error_type"));
    }
    assertEquals(a, b);
    assertEquals(3, a.size());
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The record's ground truth as model steps: one step per non-empty turn. */
  private static List<List<List<String>>> asSteps(Path data, String id) throws Exception {
    String category = id.substring("multi_turn_".length(), id.lastIndexOf('_'));
    for (String l : Files.readAllLines(data.resolve("possible_answer/BFCL_v4_multi_turn_" + category + ".json"))) {
      JsonNode n = JSON.readTree(l);
      if (n.get("id").asText().equals(id)) {
        List<List<List<String>>> out = new ArrayList<>();
        for (JsonNode turn : n.get("ground_truth")) {
          List<String> calls = new ArrayList<>();
          turn.forEach(c -> calls.add(c.asText()));
          out.add(calls.isEmpty() ? List.of() : List.of(calls));
        }
        return out;
      }
    }
    throw new IllegalStateException("no ground truth for " + id);
  }
}
