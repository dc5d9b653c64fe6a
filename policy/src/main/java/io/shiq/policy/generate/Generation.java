package io.shiq.policy.generate;

/**
 * One generated continuation.
 *
 * @param prompt            the prompt token ids
 * @param tokens            the generated token ids (the actions), stop token included when one ended it
 * @param behaviourLogProbs ln mu(token) under the sampling distribution actually used (0 for greedy), per token
 * @param finish            why generation stopped
 */
public record Generation(int[] prompt, int[] tokens, float[] behaviourLogProbs, FinishReason finish) {

  public enum FinishReason {
    /** A stop token was generated. */
    STOP,
    /** maxNewTokens was reached. */
    MAX_TOKENS,
    /** The model's context length was reached. */
    CONTEXT
  }

  /** Prompt and generated tokens, one sequence. */
  public int[] fullSequence() {
    int[] all = new int[prompt.length + tokens.length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(tokens, 0, all, prompt.length, tokens.length);
    return all;
  }
}
