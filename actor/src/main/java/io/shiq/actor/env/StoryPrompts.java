package io.shiq.actor.env;

import io.shiq.policy.tokenizer.Tokenizer;

/** How the story environments turn an opening text into the policy's first tokens. */
final class StoryPrompts {
  private StoryPrompts() {}

  /**
   * The opening with the tokenizer's BOS. A tokenizer without BOS (Qwen, GPT-2) gives no token for the empty opening
   * ("tell any story"); such models separate documents with their end-of-text token, so the story starts after it.
   */
  static int[] encode(Tokenizer tokenizer, String opening) {
    int[] tokens = tokenizer.encode(opening, true, false);
    if (tokens.length > 0) {
      return tokens;
    }
    if (tokenizer.eosIds().isEmpty()) {
      throw new IllegalArgumentException("tokenizer " + tokenizer.id() + " has neither a BOS nor an end-of-text "
          + "token: the empty story opening gives no token to start from");
    }
    return new int[] {tokenizer.eosIds().get(0)};
  }
}
