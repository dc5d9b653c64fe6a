package io.shiq.bfcl.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.backend.Backend;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.exec.StateJson;
import io.shiq.bfcl.py.PyEquals;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * BFCL's multi-turn verdict ({@code _evaluate_single_multi_turn_entry} in {@code eval_runner.py} and
 * {@code multi_turn_checker} in {@code multi_turn_checker.py}): force-terminated when the turn counts differ;
 * undecodable and empty steps dropped; every turn's model steps and ground truth executed on separate instances;
 * empty-ground-truth turns not checked; on every other turn, a turn without model calls fails, then the state check
 * (every public attribute of every class, Python equality) and the response check (every ground-truth result of the
 * turn found, as a multiset, among the model's results of all turns so far). The first failure decides.
 */
public final class MultiTurnChecker {
  private MultiTurnChecker() {}

  public static Verdict check(BfclRecord record, JsonNode modelResult) {
    return check(record, modelResult, b -> { });
  }

  /**
   * @param modelResult the entry's {@code result}: [turn][step][call string]
   * @param configure   applied to every new instance (a fixed clock)
   */
  public static Verdict check(BfclRecord record, JsonNode modelResult, Consumer<Backend> configure) {
    List<List<String>> truth = record.groundTruth();
    List<String> turns = new ArrayList<>(Collections.nCopies(truth.size(), "not_checked"));
    if (modelResult == null || !modelResult.isArray()) {
      return fail(record, "multi_turn:inference_error",
          "Error during inference phase. Model did not output a list of model responses.", turns, null);
    }
    if (modelResult.size() != truth.size()) {
      return fail(record, "multi_turn:force_terminated", "Model was force-terminated during inference phase. The "
          + "length of the model result turns (" + modelResult.size() + ") does not match the length of the ground "
          + "truth turns (" + truth.size() + ").", turns, null);
    }
    List<List<List<String>>> decoded = decode(modelResult);
    ExecutionSession model = new ExecutionSession(record.initialConfig(), record.involvedClasses(),
        record.longContext(), configure);
    ExecutionSession groundTruth = new ExecutionSession(record.initialConfig(), record.involvedClasses(),
        record.longContext(), configure);
    List<String> allModelResults = new ArrayList<>();
    for (int t = 0; t < truth.size(); t++) {
      List<List<String>> steps = decoded.get(t);
      for (List<String> step : steps) {
        allModelResults.addAll(model.execute(step));
      }
      List<String> truthResults = groundTruth.execute(truth.get(t));
      if (truth.get(t).isEmpty()) {
        turns.set(t, "skipped");
        continue;
      }
      if (steps.isEmpty()) {
        turns.set(t, "fail");
        return fail(record, "multi_turn:empty_turn_model_response", "Model response list is empty for turn " + t,
            turns, null);
      }
      Map<String, Object> differences = stateDifferences(model.instances(), groundTruth.instances());
      if (!differences.isEmpty()) {
        turns.set(t, "fail");
        String className = differences.keySet().iterator().next();
        return fail(record, "multi_turn:instance_state_mismatch", "Model instance for " + className
            + " does not match the state with ground truth instance.", turns, differences.get(className));
      }
      List<String> missing = missing(truthResults, allModelResults);
      if (!missing.isEmpty()) {
        turns.set(t, "fail");
        return fail(record, "multi_turn:execution_response_mismatch", "Model response execution results so far does "
            + "not contain all the ground truth response execution results for turn " + t + ".", turns,
            Map.of("missing_items", missing));
      }
      turns.set(t, "pass");
    }
    return new Verdict(record.id(), record.category(), true, null, null, turns, null);
  }

  /**
   * The decoded steps per turn: a step that is not a list of strings (undecodable) or is empty ([] or [""]) is
   * dropped, as BFCL drops what its decoder rejects or finds empty.
   */
  static List<List<List<String>>> decode(JsonNode result) {
    List<List<List<String>>> out = new ArrayList<>();
    for (JsonNode turn : result) {
      List<List<String>> steps = new ArrayList<>();
      if (turn.isArray()) {
        for (JsonNode step : turn) {
          List<String> calls = calls(step);
          if (calls != null && !(calls.isEmpty() || (calls.size() == 1 && calls.get(0).isEmpty()))) {
            steps.add(calls);
          }
        }
      }
      out.add(steps);
    }
    return out;
  }

  private static List<String> calls(JsonNode step) {
    if (!step.isArray()) {
      return null;
    }
    List<String> calls = new ArrayList<>();
    for (JsonNode c : step) {
      if (!c.isTextual()) {
        return null;
      }
      calls.add(c.asText());
    }
    return calls;
  }

  /** Per class (first mismatching first), the attributes whose values differ: {attr: {model, ground_truth}}. */
  static Map<String, Object> stateDifferences(Map<String, Backend> model, Map<String, Backend> truth) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Backend> e : truth.entrySet()) {
      Map<String, Object> truthState = e.getValue().state();
      Map<String, Object> modelState = model.get(e.getKey()).state();
      Map<String, Object> diff = new LinkedHashMap<>();
      truthState.forEach((attr, value) -> {
        Object modelValue = modelState.get(attr);
        if (!PyEquals.equal(modelValue, value)) {
          Map<String, Object> pair = new LinkedHashMap<>();
          pair.put("model", StateJson.canonical(modelValue));
          pair.put("ground_truth", StateJson.canonical(value));
          diff.put(attr, pair);
        }
      });
      if (!diff.isEmpty()) {
        out.put(e.getKey(), diff);
        return out; // BFCL reports the first class that differs
      }
    }
    return out;
  }

  /** {@code _is_subsequence_unordered}: the ground-truth results not found, one removal per match. */
  static List<String> missing(List<String> truth, List<String> model) {
    List<String> pool = new ArrayList<>(model);
    List<String> missing = new ArrayList<>();
    for (String r : truth) {
      if (!pool.remove(r)) {
        missing.add(r);
      }
    }
    return missing;
  }

  private static Verdict fail(BfclRecord record, String type, String message, List<String> turns, Object details) {
    return new Verdict(record.id(), record.category(), false, type, message, turns, details);
  }
}
