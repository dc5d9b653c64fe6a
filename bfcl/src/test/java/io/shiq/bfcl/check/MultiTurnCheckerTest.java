package io.shiq.bfcl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.policy.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checker's verdicts. The expected verdict of each perturbation is worked out from BFCL's code
 * (eval_runner._evaluate_single_multi_turn_entry and multi_turn_checker.multi_turn_checker at the pinned commit), as
 * each test says; the base_0 ones were also confirmed by running BFCL's checker on the same inputs, and
 * bfcl_checker_verdicts.jsonl holds BFCL's own verdicts on 320 random perturbations of the shared records (its first
 * line says how it was made).
 */
class MultiTurnCheckerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static List<BfclRecord> records;
  private static BfclRecord base0;

  @BeforeAll
  static void load() throws Exception {
    Path dir = TestData.require("bfcl");
    records = BfclData.load(dir, List.of());
    base0 = records.stream().filter(r -> r.id().equals("multi_turn_base_0")).findFirst().orElseThrow();
  }

  /** The ground truth as a model result: each turn one step of its calls. */
  private static List<List<List<String>>> asResult(BfclRecord r) {
    List<List<List<String>>> out = new ArrayList<>();
    for (List<String> turn : r.groundTruth()) {
      List<List<String>> steps = new ArrayList<>();
      if (!turn.isEmpty()) {
        steps.add(new ArrayList<>(turn));
      }
      out.add(steps);
    }
    return out;
  }

  private static Verdict check(BfclRecord r, Object result) {
    return MultiTurnChecker.check(r, JSON.valueToTree(result));
  }

  @Test
  void theGroundTruthPassesEverySharedRecord() {
    List<String> failed = new ArrayList<>();
    for (BfclRecord r : records) {
      Verdict v = check(r, asResult(r));
      if (!v.valid()) {
        failed.add(r.id() + ": " + v.errorType() + " " + v.errorMessage() + " " + v.details());
      }
      assertTrue(v.turns().stream().allMatch(t -> t.equals("pass") || t.equals("skipped")), r.id() + v.turns());
    }
    assertTrue(failed.isEmpty(), failed.size() + " of " + records.size() + " fail:\n" + String.join("\n", failed));
  }

  /** A dropped mv leaves the file where it was: the state check of that turn fails first. */
  @Test
  void aDroppedStateChangingCallIsAStateMismatch() {
    List<List<List<String>>> result = asResult(base0);
    result.get(0).get(0).remove(2); // mv(source='final_report.pdf', destination='temp')
    Verdict v = check(base0, result);
    assertEquals("multi_turn:instance_state_mismatch", v.errorType());
    assertEquals(List.of("fail", "not_checked", "not_checked", "not_checked"), v.turns());
    assertEquals("Model instance for GorillaFileSystem does not match the state with ground truth instance.",
        v.errorMessage());
  }

  /**
   * A changed argument of a read-only call (grep's pattern) leaves the state equal but gives another result: the
   * response check of that turn fails.
   */
  @Test
  void aChangedArgumentOfAReadOnlyCallIsAResponseMismatch() {
    List<List<List<String>>> result = asResult(base0);
    result.get(1).get(0).set(1, "grep(file_name='final_report.pdf',pattern='nothing like it')");
    Verdict v = check(base0, result);
    assertEquals("multi_turn:execution_response_mismatch", v.errorType());
    assertEquals(List.of("pass", "fail", "not_checked", "not_checked"), v.turns());
  }

  /** An extra touch creates a file the ground truth never has: state mismatch. */
  @Test
  void anExtraStateChangingCallIsAStateMismatch() {
    List<List<List<String>>> result = asResult(base0);
    result.get(2).add(List.of("touch(file_name='extra.txt')"));
    Verdict v = check(base0, result);
    assertEquals("multi_turn:instance_state_mismatch", v.errorType());
    assertEquals(List.of("pass", "pass", "fail", "not_checked"), v.turns());
  }

  /** An extra read-only call changes no state and the response check only asks for the ground truth's results. */
  @Test
  void anExtraReadOnlyCallStillPasses() {
    List<List<List<String>>> result = asResult(base0);
    result.get(1).add(0, List.of("ls()", "pwd()"));
    assertTrue(check(base0, result).valid());
  }

  /** Fewer turns than the ground truth: force-terminated, before anything is executed. */
  @Test
  void aMissingTurnIsForceTerminated() {
    List<List<List<String>>> result = asResult(base0);
    result.remove(3);
    Verdict v = check(base0, result);
    assertEquals("multi_turn:force_terminated", v.errorType());
    assertTrue(v.errorMessage().contains("(3) does not match the length of the ground truth turns (4)"),
        v.errorMessage());
  }

  /**
   * A turn whose steps are all empty or undecodable is dropped to nothing: on a turn with ground truth, that is an
   * empty turn response. Raw texts are decoded as BFCL's handler decodes them: prose fails the prompting decoder
   * (a SyntaxError), a text without tool-call blocks decodes to no calls, and an empty block list is empty.
   */
  @Test
  void emptyAndUndecodableStepsAreDroppedAndTheTurnIsEmpty() throws Exception {
    List<List<List<String>>> ok = asResult(base0);
    JsonNode result = JSON.valueToTree(ok);
    ((com.fasterxml.jackson.databind.node.ArrayNode) result).set(2, JSON.readTree(
        "[[], [\"\"], \"I will sort the file now.\", \"<tool_call>\\nnot json\\n</tool_call>\", \"[]\", [1]]"));
    Verdict v = MultiTurnChecker.check(base0, result);
    assertEquals("multi_turn:empty_turn_model_response", v.errorType());
    assertEquals("Model response list is empty for turn 2", v.errorMessage());
  }

  /**
   * A result file of raw model texts, as BFCL writes it for prompting and Qwen FC models: each text decoded as the
   * handler decodes it, the style guessed from "<tool_call>" or given.
   */
  @Test
  void rawModelTextsAreDecoded() {
    for (io.shiq.bfcl.decode.CallStyle style : io.shiq.bfcl.decode.CallStyle.values()) {
      List<List<String>> raw = new ArrayList<>();
      for (List<String> turn : base0.groundTruth()) {
        raw.add(List.of(io.shiq.bfcl.decode.ToolCallDecoder.render(turn, style), "Done."));
      }
      assertTrue(check(base0, raw).valid(), style.toString());
      assertTrue(MultiTurnChecker.check(base0, JSON.valueToTree(raw), b -> { }, style).valid(), style.toString());
    }
    // A call list in an FC model's text: BFCL's Qwen FC handler finds no <tool_call> block in it.
    List<List<String>> prompting = new ArrayList<>();
    base0.groundTruth().forEach(turn -> prompting.add(List.of(io.shiq.bfcl.decode.ToolCallDecoder.render(turn,
        io.shiq.bfcl.decode.CallStyle.PROMPTING))));
    Verdict v = MultiTurnChecker.check(base0, JSON.valueToTree(prompting), b -> { },
        io.shiq.bfcl.decode.CallStyle.FUNCTION_CALLING);
    assertEquals("multi_turn:empty_turn_model_response", v.errorType());
  }

  /** A result that is not a list of turns is an inference error. */
  @Test
  void aResultThatIsNotAListIsAnInferenceError() throws Exception {
    Verdict v = MultiTurnChecker.check(base0, JSON.readTree("\"no calls\""));
    assertEquals("multi_turn:inference_error", v.errorType());
  }

  @Test
  void bfclsOwnVerdictsOnRandomPerturbationsAreReproduced() throws Exception {
    java.util.Map<String, BfclRecord> byId = new java.util.HashMap<>();
    records.forEach(r -> byId.put(r.id(), r));
    List<String> wrong = new ArrayList<>();
    int n = 0;
    try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
        MultiTurnCheckerTest.class.getResourceAsStream("bfcl_checker_verdicts.jsonl"),
        java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        JsonNode c = JSON.readTree(line);
        Verdict v = MultiTurnChecker.check(byId.get(c.get("id").asText()), c.get("result"));
        String expected = c.get("valid").asBoolean() ? "valid" : c.get("error_type").asText();
        String got = v.valid() ? "valid" : v.errorType();
        n++;
        if (!expected.equals(got)) {
          wrong.add(c.get("id").asText() + " " + c.get("perturbation").asText() + ": BFCL says " + expected
              + ", got " + got + " (" + v.errorMessage() + ")");
        }
      }
    }
    assertEquals(320, n);
    assertTrue(wrong.isEmpty(), wrong.size() + " of " + n + " verdicts differ:\n" + String.join("\n", wrong));
  }

  @Test
  void accuracyIsTheUnweightedMeanOfCategories() {
    List<Verdict> vs = List.of(
        new Verdict("a", "base", true, null, null, List.of(), null),
        new Verdict("b", "base", false, "x", "y", List.of(), null),
        new Verdict("c", "miss_func", true, null, null, List.of(), null));
    Accuracy acc = Accuracy.of(vs);
    assertEquals(0.5, acc.byCategory().get("base"));
    assertEquals(1.0, acc.byCategory().get("miss_func"));
    assertEquals(0.75, acc.overall(), 1e-12);
  }
}
