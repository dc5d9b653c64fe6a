package io.shiq.policy.chat;

import java.util.List;

/**
 * A plain-text template for models that have none (llama2.c's stories models, a 512-token vocabulary):
 * <pre>
 * System: {content}\n     User: {content}\n     Tool: {content}\n     Assistant: {content}\n
 * </pre>
 * and {@code "Assistant: "} as the generation prompt. An assistant turn ends with the EOS token, which has no text:
 * {@link #endOfTurnText()} is {@code ""}. Tools are not rendered; callers describe them in a system message.
 */
public final class BuiltinChatTemplate implements ChatTemplate {
  static final String GENERATION_PROMPT = "Assistant: ";

  @Override
  public String render(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : messages) {
      out.append(label(m.role())).append(": ").append(m.content()).append('\n');
    }
    if (addGenerationPrompt) {
      out.append(GENERATION_PROMPT);
    }
    return out.toString();
  }

  private static String label(String role) {
    return switch (role) {
      case "system" -> "System";
      case "user" -> "User";
      case "assistant" -> "Assistant";
      case "tool" -> "Tool";
      default -> throw new IllegalArgumentException("builtin chat template: unknown role '" + role + "'");
    };
  }

  @Override
  public String endOfTurnText() {
    return "";
  }

  @Override
  public boolean supportsTools() {
    return false;
  }

  @Override
  public String id() {
    return "builtin";
  }

  @Override
  public String toString() {
    return id();
  }
}
