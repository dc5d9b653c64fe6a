package io.shiq.policy.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One chat message as Hugging Face's {@code apply_chat_template} takes it. {@code role} is one of {@code system},
 * {@code user}, {@code assistant} or {@code tool} (a template decides what it accepts); {@code content} is plain text.
 */
public record ChatMessage(String role, String content) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    if (role.isBlank()) {
      throw new IllegalArgumentException("role is blank");
    }
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }

  /** A tool's result (the observation of a tool call). */
  public static ChatMessage tool(String content) {
    return new ChatMessage("tool", content);
  }

  /** {@code {"role": .., "content": ..}}, the dict a Jinja chat template reads. */
  public Map<String, Object> toTemplateMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("content", content);
    return m;
  }
}
