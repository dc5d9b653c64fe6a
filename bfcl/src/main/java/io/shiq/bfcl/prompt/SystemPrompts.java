package io.shiq.bfcl.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.data.BfclTask.Message;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyValues;
import java.util.ArrayList;
import java.util.List;

/**
 * BFCL's system prompt for prompting models ({@code formulate_system_prompt} with DEFAULT_SYSTEM_PROMPT_FORMAT, in
 * {@code model_handler/utils.py}) and where it goes ({@code system_prompt_pre_processing_chat_model}).
 *
 * <p>The prompt is {@code persona + task + "\n\n" + tool_call_format + "\n\n" + multiturn_behavior + "\n\n" +
 * available_tools} (the plain-text template), with the classic style's texts; the functions are
 * {@code json.dumps(functions, indent=4)}. BFCL's own quirks stay: no space between persona and task, and two spaces
 * where the empty parameter-type sentence sits.
 */
public final class SystemPrompts {
  private SystemPrompts() {}

  /** The default system prompt offering {@code functions} (the docs as BFCL's entry holds them). */
  public static String defaultPrompting(List<ObjectNode> functions) {
    List<Object> docs = new ArrayList<>();
    functions.forEach(f -> docs.add(PyValues.fromJson(f)));
    String toolCallFormat = String.format(DefaultPrompts.CLASSIC_TOOL_CALL_NO_TAG, DefaultPrompts.OUTPUT_FORMAT_PYTHON,
        DefaultPrompts.PARAM_TYPES_PYTHON);
    String availableTools = String.format(DefaultPrompts.CLASSIC_AVAILABLE_TOOLS, "json",
        PyJson.dumpsIndented(docs, 4));
    return DefaultPrompts.CLASSIC_PERSONA + DefaultPrompts.CLASSIC_TASK + "\n\n" + toolCallFormat + "\n\n"
        + DefaultPrompts.CLASSIC_MULTITURN_BEHAVIOR + "\n\n" + availableTools;
  }

  /**
   * The first turn's messages with the system prompt first: a new system message, or, where the turn already starts
   * with one, {@code systemPrompt + "\n\n" + its content}.
   *
   * @throws IllegalArgumentException when the turn has no message (BFCL fails on it too)
   */
  public static List<Message> withSystemPrompt(List<Message> firstTurn, String systemPrompt) {
    if (firstTurn.isEmpty()) {
      throw new IllegalArgumentException("the first turn has no message to put the system prompt before");
    }
    List<Message> out = new ArrayList<>(firstTurn);
    if (out.get(0).role().equals("system")) {
      out.set(0, new Message("system", systemPrompt + "\n\n" + out.get(0).content()));
    } else {
      out.add(0, new Message("system", systemPrompt));
    }
    return List.copyOf(out);
  }
}
