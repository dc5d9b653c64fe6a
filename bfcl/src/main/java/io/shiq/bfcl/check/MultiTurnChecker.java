package io.shiq.bfcl.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.backend.Backend;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.decode.CallStyle;
import io.shiq.bfcl.decode.DecodedCalls;
import io.shiq.bfcl.decode.ToolCallDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * BFCL's multi-turn verdict on a whole result entry ({@code _evaluate_single_multi_turn_entry} in
 * {@code eval_runner.py}): an inference error when the result is not a list of turns; force-terminated when the turn
 * counts differ; else every step decoded as BFCL's handler decodes it, undecodable and empty steps dropped, and the
 * turns checked one by one by an {@link EpisodeChecker}. The first failure decides.
 */
public final class MultiTurnChecker {
  private MultiTurnChecker() {}

  public static Verdict check(BfclRecord record, JsonNode modelResult) {
    return check(record, modelResult, b -> { });
  }

  /**
   * @param modelResult the entry's {@code result}: [turn][step], each step as BFCL's result file holds it (a list of
   *                    call strings, the model's raw text, or FC-API {name: arguments} objects; see
   *                    {@link ToolCallDecoder#decodeStep})
   * @param configure   applied to every new instance (a fixed clock)
   */
  public static Verdict check(BfclRecord record, JsonNode modelResult, Consumer<Backend> configure) {
    return check(record, modelResult, configure, null);
  }

  /**
   * As {@link #check(BfclRecord, JsonNode, Consumer)}, with raw texts decoded in {@code style}, as the handler of the
   * model that wrote them decodes them (null: guessed per text, FUNCTION_CALLING where it holds "<tool_call>"). The
   * guess differs from BFCL only on texts that one decoder reads and the other does not: a prompting-style call list
   * in an FC model's text, which BFCL's Qwen FC handler decodes to nothing.
   */
  public static Verdict check(BfclRecord record, JsonNode modelResult, Consumer<Backend> configure,
                              CallStyle style) {
    List<List<String>> truth = record.groundTruth();
    if (modelResult == null || !modelResult.isArray()) {
      return new Verdict(record.id(), record.category(), false, "multi_turn:inference_error",
          "Error during inference phase. Model did not output a list of model responses.",
          Collections.nCopies(truth.size(), "not_checked"), null);
    }
    EpisodeChecker episode = new EpisodeChecker(record, configure);
    if (modelResult.size() != truth.size()) {
      episode.forceTerminated("Model was force-terminated during inference phase. The length of the model result "
          + "turns (" + modelResult.size() + ") does not match the length of the ground truth turns ("
          + truth.size() + ").");
      return episode.verdict();
    }
    for (List<List<String>> steps : decode(modelResult, style)) {
      steps.forEach(episode::step);
      episode.endTurn();
      if (!episode.verdict().valid()) {
        break; // later turns cannot change the verdict
      }
    }
    return episode.verdict();
  }

  /**
   * The decoded steps per turn ({@link ToolCallDecoder#decodeStep}): a
   * step that fails to decode or decodes to nothing is dropped, as BFCL drops what its decoder rejects or finds
   * empty.
   */
  static List<List<List<String>>> decode(JsonNode result, CallStyle style) {
    List<List<List<String>>> out = new ArrayList<>();
    for (JsonNode turn : result) {
      List<List<String>> steps = new ArrayList<>();
      if (turn.isArray()) {
        for (JsonNode step : turn) {
          DecodedCalls calls = ToolCallDecoder.decodeStep(step, style);
          if (!calls.failed() && !calls.empty()) {
            steps.add(calls.calls());
          }
        }
      }
      out.add(steps);
    }
    return out;
  }
}
