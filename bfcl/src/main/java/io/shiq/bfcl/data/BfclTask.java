package io.shiq.bfcl.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.decode.CallStyle;
import io.shiq.bfcl.prompt.DefaultPrompts;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A record as BFCL's inference sees it ({@code load_dataset_entry} in {@code bfcl_eval/utils.py}:
 * {@code populate_test_cases_with_predefined_functions}, then {@code add_language_specific_hint_to_function_doc}).
 *
 * <p>The docs are shared, not copied: treat them as read-only.
 *
 * @param record    the record and its ground truth
 * @param questions per turn, the messages of the record's {@code question}; empty for a held-out-function turn
 * @param functions the docs offered from the start: those of every involved class, in involved order (each class's
 *                  file from {@code multi_turn_func_doc/} by BFCL's MULTI_TURN_FUNC_DOC_FILE_MAPPING), less the held
 *                  out ones, each description ending in BFCL's " Note that the provided function is in Python 3
 *                  syntax."
 * @param heldOut   turn index to the docs BFCL adds at that turn ({@code missed_function}), without that note: BFCL
 *                  takes them out before it adds the note to the rest
 */
public record BfclTask(BfclRecord record, List<List<Message>> questions, List<ObjectNode> functions,
                       Map<Integer, List<ObjectNode>> heldOut) {
  /** One chat message of a turn. */
  public record Message(String role, String content) {}

  public BfclTask {
    questions = questions.stream().map(List::copyOf).toList();
    functions = List.copyOf(functions);
    Map<Integer, List<ObjectNode>> h = new TreeMap<>();
    heldOut.forEach((t, docs) -> h.put(t, List.copyOf(docs)));
    heldOut = Collections.unmodifiableMap(h);
  }

  public int turns() {
    return questions.size();
  }

  /**
   * The user's messages at the start of {@code turn}. On a held-out turn, BFCL's message: for PROMPTING,
   * DEFAULT_USER_PROMPT_FOR_ADDITIONAL_FUNCTION_PROMPTING (the docs as Python's str() of the list of dicts, then the
   * FC text); for FUNCTION_CALLING, DEFAULT_USER_PROMPT_FOR_ADDITIONAL_FUNCTION_FC, whose caller is to add the docs
   * to the tools, as BFCL's FC inference does. (BFCL runs its Qwen FC handler, like every local model, through the
   * prompting loop: there the held-out turn gets the PROMPTING message and the tools stay as they were.) The system
   * prompt is not part of turn 0 here; see {@link io.shiq.bfcl.prompt.SystemPrompts}.
   */
  public List<Message> turnMessages(int turn, CallStyle style) {
    List<ObjectNode> docs = heldOut.get(turn);
    if (docs == null) {
      return questions.get(turn);
    }
    if (style == CallStyle.FUNCTION_CALLING) {
      return List.of(new Message("user", DefaultPrompts.ADDITIONAL_FUNCTION_FC));
    }
    List<Object> values = new ArrayList<>();
    docs.forEach(d -> values.add(PyValues.fromJson(d)));
    return List.of(new Message("user", String.format(DefaultPrompts.ADDITIONAL_FUNCTION_PROMPTING,
        PyRepr.str(values))));
  }
}
