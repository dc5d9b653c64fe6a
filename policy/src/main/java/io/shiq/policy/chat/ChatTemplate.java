package io.shiq.policy.chat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a model wants a conversation written as text: Hugging Face's chat template ({@link JinjaChatTemplate}) or,
 * for models without one, {@link BuiltinChatTemplate}. {@link ChatTranscript} turns the text into exact token ids.
 */
public interface ChatTemplate {
  /**
   * The conversation as text, as transformers' {@code apply_chat_template(messages, tools=tools,
   * add_generation_prompt=addGenerationPrompt, tokenize=False)} returns it. {@code tools}: JSON-like values
   * (Map/List/String/Number/Boolean), passed to the template as given; may be empty (then no tools).
   */
  String render(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt);

  /**
   * Text the template writes right after an assistant message's content to close it ({@code <|im_end|>} for Qwen);
   * {@code ""} when the end of turn is a token without text (the built-in template: EOS). The policy samples it as
   * its stop token.
   */
  String endOfTurnText();

  /** Whether this template renders {@code tools} itself (Qwen: yes; built-in: no, callers put tool docs in a system prompt). */
  boolean supportsTools();

  /** Name for logs and metadata, e.g. {@code jinja:tokenizer_config.json} or {@code builtin}. */
  String id();

  /**
   * The model directory's template: {@code chat_template.jinja} when present, else {@code tokenizer_config.json}'s
   * {@code chat_template} (a string, or a list of {@code {name, template}} from which "default" or else the first is
   * taken), else {@link BuiltinChatTemplate}.
   */
  static ChatTemplate forDirectory(Path dir) throws IOException {
    ChatTemplate found = JinjaChatTemplate.find(dir).orElse(null);
    return found != null ? found : new BuiltinChatTemplate();
  }
}
