package io.shiq.bfcl.decode;

/** How a model writes its tool calls, and so which of BFCL's decoders reads them. */
public enum CallStyle {
  /**
   * Qwen's function-calling format, decoded as BFCL's {@code QwenFCHandler.decode_execute} does: one JSON object
   * {@code {"name": ..., "arguments": {...}}} per {@code <tool_call>\n...\n</tool_call>} block.
   */
  FUNCTION_CALLING,
  /**
   * BFCL's default prompting format, decoded as {@code default_decode_execute_prompting} does: a Python list of calls
   * with keyword arguments, {@code [f(a=1), g(b='x')]}.
   */
  PROMPTING
}
