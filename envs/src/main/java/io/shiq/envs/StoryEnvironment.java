package io.shiq.envs;

import io.shiq.avro.Role;
import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;

/**
 * Single-turn story continuation: the seed picks one of the prompts, the policy continues it, and the episode ends
 * with the reward of that continuation. The story environments differ only in {@link #reward}.
 */
abstract sealed class StoryEnvironment implements Environment
    permits StoryKeywordEnvironment, StorySentimentEnvironment {
  private final Tokenizer tokenizer;
  private final List<String> prompts;

  StoryEnvironment(Tokenizer tokenizer, List<String> prompts) {
    this.tokenizer = tokenizer;
    this.prompts = List.copyOf(prompts);
  }

  /** The reward of one continuation of a prompt. */
  abstract double reward(String continuation);

  @Override
  public final Episode start(long seed) {
    int which = (int) Math.floorMod(seed, (long) prompts.size());
    String prompt = prompts.get(which);
    int[] tokens = openingTokens(tokenizer, prompt);
    return new Episode() {
      @Override
      public String taskId() {
        return "prompt-" + which;
      }

      @Override
      public List<Observation> opening() {
        return List.of(new Observation(Role.USER, tokens, prompt));
      }

      @Override
      public Step act(int[] actionTokens, String text) {
        return new Step(List.of(), reward(text), true);
      }
    };
  }

  /**
   * The opening with the tokenizer's BOS. A tokenizer without BOS (Qwen, GPT-2) gives no token for the empty opening
   * ("tell any story"); such models separate documents with their end-of-text token, so the story starts after it.
   */
  static int[] openingTokens(Tokenizer tokenizer, String opening) {
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
