package io.shiq.bfcl.check;

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
 * BFCL's multi-turn check ({@code multi_turn_checker} in {@code multi_turn_checker.py}), one turn at a time, so that
 * an environment can show the model its tool results and learn each turn's verdict as the episode goes.
 *
 * <p>The model's decoded steps run on one set of instances, the ground truth on another. At the end of a turn: a
 * turn with empty ground truth is skipped (not checked; its calls still ran); a turn without a non-empty step fails
 * (empty_turn_model_response); otherwise the state check (every public attribute of every class, Python equality,
 * the first class that differs reported) and then the response check (every ground-truth result of the turn found,
 * as a multiset, among the model's results of all turns so far). BFCL stops at the first failing turn: the entry's
 * verdict keeps it and calls later turns not_checked, though {@link #endTurn} still runs and checks them.
 */
public final class EpisodeChecker {
  private final BfclRecord record;
  private final ExecutionSession model;
  private final ExecutionSession groundTruth;
  private final List<String> allModelResults = new ArrayList<>();
  private final List<String> turns;
  private int turnsEnded;
  private boolean turnHasStep;
  /** The first failure: error type, message, details; null while every ended turn passed or was skipped. */
  private Failure failure;
  private String forceTerminated;

  private record Failure(String type, String message, Object details) {}

  /** @param configure applied to every new instance before its scenario loads (a fixed clock) */
  public EpisodeChecker(BfclRecord record, Consumer<Backend> configure) {
    this.record = record;
    this.model = new ExecutionSession(record.initialConfig(), record.involvedClasses(), record.longContext(),
        configure);
    this.groundTruth = new ExecutionSession(record.initialConfig(), record.involvedClasses(), record.longContext(),
        configure);
    this.turns = new ArrayList<>(Collections.nCopies(record.groundTruth().size(), "not_checked"));
  }

  /**
   * Executes one decoded step's calls on the model's instances and returns BFCL's result strings (what the model is
   * shown as tool messages). An empty step ({@code []} or {@code [""]}) executes nothing and does not count as a
   * step of the turn, as BFCL drops it.
   */
  public List<String> step(List<String> calls) {
    requireTurnLeft("step");
    if (calls.isEmpty() || (calls.size() == 1 && calls.get(0).isEmpty())) {
      return List.of();
    }
    List<String> results = model.execute(calls);
    allModelResults.addAll(results);
    turnHasStep = true;
    return results;
  }

  /** Ends the current turn: runs its ground truth and checks it; "pass", "fail" or "skipped". */
  public String endTurn() {
    requireTurnLeft("endTurn");
    int t = turnsEnded++;
    boolean hadStep = turnHasStep;
    turnHasStep = false;
    List<String> truth = record.groundTruth().get(t);
    List<String> truthResults = groundTruth.execute(truth);
    if (truth.isEmpty()) {
      return settle(t, "skipped", null);
    }
    if (!hadStep) {
      return settle(t, "fail", new Failure("multi_turn:empty_turn_model_response",
          "Model response list is empty for turn " + t, null));
    }
    Map<String, Object> differences = stateDifferences(model.instances(), groundTruth.instances());
    if (!differences.isEmpty()) {
      String className = differences.keySet().iterator().next();
      return settle(t, "fail", new Failure("multi_turn:instance_state_mismatch", "Model instance for " + className
          + " does not match the state with ground truth instance.", differences.get(className)));
    }
    List<String> missing = missing(truthResults, allModelResults);
    if (!missing.isEmpty()) {
      return settle(t, "fail", new Failure("multi_turn:execution_response_mismatch", "Model response execution "
          + "results so far does not contain all the ground truth response execution results for turn " + t + ".",
          Map.of("missing_items", missing)));
    }
    return settle(t, "pass", null);
  }

  /** Records a turn's status in the entry's verdict unless an earlier turn failed it already. */
  private String settle(int turn, String status, Failure f) {
    if (failure == null) {
      turns.set(turn, status);
      failure = f;
    }
    return status;
  }

  private void requireTurnLeft(String what) {
    if (turnsEnded >= record.groundTruth().size()) {
      throw new IllegalStateException(record.id() + ": " + what + " after all " + turnsEnded + " turns ended");
    }
  }

  public int turnsEnded() {
    return turnsEnded;
  }

  /**
   * The entry's verdict so far: force-terminated when {@link #forceTerminated} was called (no turn checked, as BFCL
   * fails such an entry before executing anything); else the first failing turn's; else valid, with the turns not
   * yet ended not_checked.
   */
  public Verdict verdict() {
    if (forceTerminated != null) {
      return new Verdict(record.id(), record.category(), false, "multi_turn:force_terminated", forceTerminated,
          Collections.nCopies(turns.size(), "not_checked"), null);
    }
    if (failure != null) {
      return new Verdict(record.id(), record.category(), false, failure.type(), failure.message(),
          List.copyOf(turns), failure.details());
    }
    return new Verdict(record.id(), record.category(), true, null, null, List.copyOf(turns), null);
  }

  /** Marks the entry as BFCL's force-terminated one (its result will lack turns), with BFCL's or the caller's text. */
  public void forceTerminated(String message) {
    forceTerminated = message;
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
}
