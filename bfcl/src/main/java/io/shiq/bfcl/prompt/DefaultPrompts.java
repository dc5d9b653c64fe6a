package io.shiq.bfcl.prompt;

/**
 * BFCL's prompt texts ({@code constants/default_prompts.py}) that the multi-turn categories use, word for word:
 * the parts of the "classic" plain-text system prompt for Python-list tool calls, and the user message of a turn that
 * brings held-out functions.
 */
public final class DefaultPrompts {
  private DefaultPrompts() {}

  /** DEFAULT_SYSTEM_PROMPT_FORMAT: the format every non-format-sensitivity entry gets. */
  public static final String DEFAULT_SYSTEM_PROMPT_FORMAT =
      "ret_fmt=python&tool_call_tag=False&func_doc_fmt=json&prompt_fmt=plaintext&style=classic";

  /** OUTPUT_FORMAT_MAPPING["python"]. */
  static final String OUTPUT_FORMAT_PYTHON =
      "[func_name1(params_name1=params_value1, params_name2=params_value2...), func_name2(params)]";

  /** PARAM_TYPE_MAPPING["python"]: empty, which leaves two spaces in the sentence it fills. */
  static final String PARAM_TYPES_PYTHON = "";

  /** PROMPT_STYLE_TEMPLATES["classic"]["persona"]. */
  static final String CLASSIC_PERSONA = "You are an expert in composing functions.";

  /** PROMPT_STYLE_TEMPLATES["classic"]["task"]. */
  static final String CLASSIC_TASK = "You are given a question and a set of possible functions. Based on the "
      + "question, you will need to make one or more function/tool calls to achieve the purpose. If none of the "
      + "functions can be used, point it out. If the given question lacks the parameters required by the function, "
      + "also point it out.";

  /** PROMPT_STYLE_TEMPLATES["classic"]["tool_call_no_tag"] with {output_format} and {param_types} as %1$s, %2$s. */
  static final String CLASSIC_TOOL_CALL_NO_TAG = "You should only return the function calls in your response.\n\n"
      + "If you decide to invoke any of the function(s), you MUST put it in the format of %1$s. %2$s You SHOULD NOT "
      + "include any other text in the response.";

  /** PROMPT_STYLE_TEMPLATES["classic"]["multiturn_behavior"]. */
  static final String CLASSIC_MULTITURN_BEHAVIOR = "At each turn, you should try your best to complete the tasks "
      + "requested by the user within the current turn. Continue to output functions to call until you have "
      + "fulfilled the user's request to the best of your ability. Once you have no more functions to call, the "
      + "system will consider the current turn complete and proceed to the next turn or task.";

  /** PROMPT_STYLE_TEMPLATES["classic"]["available_tools"] with {format} and {functions} as %1$s, %2$s. */
  static final String CLASSIC_AVAILABLE_TOOLS = "Here is a list of functions in %1$s format that you can invoke.\n"
      + "%2$s\n";

  /** DEFAULT_USER_PROMPT_FOR_ADDITIONAL_FUNCTION_FC. */
  public static final String ADDITIONAL_FUNCTION_FC =
      "I have updated some more functions you can choose from. What about now?";

  /**
   * DEFAULT_USER_PROMPT_FOR_ADDITIONAL_FUNCTION_PROMPTING with {functions} as %s (BFCL fills it with Python's str()
   * of the list of docs).
   */
  public static final String ADDITIONAL_FUNCTION_PROMPTING = "%s\n" + ADDITIONAL_FUNCTION_FC;
}
