package io.shiq.policy.chat;

import io.shiq.policy.io.ModelFormatException;
import io.shiq.policy.tokenizer.HfTokenizer;
import io.shiq.policy.tokenizer.Tokenizer;
import java.io.IOException;

/** The chat template that goes with a tokenizer. */
public final class ChatTemplates {
  private ChatTemplates() {}

  /**
   * A Hugging Face tokenizer's model template (its directory's tokenizer_config.json), or the built-in one for a
   * tokenizer without a directory of its own (llama2.c).
   */
  public static ChatTemplate of(Tokenizer tokenizer) {
    if (tokenizer instanceof HfTokenizer hf && hf.directory() != null) {
      try {
        return ChatTemplate.forDirectory(hf.directory());
      } catch (IOException e) {
        throw new ModelFormatException(hf.directory() + ": cannot read the chat template: " + e.getMessage(), e);
      }
    }
    return new BuiltinChatTemplate();
  }
}
