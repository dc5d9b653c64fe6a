package io.shiq.policy.generate;

import java.util.Set;

/**
 * How to pick each next token.
 *
 * @param temperature   0 means greedy (argmax); otherwise logits are divided by it before softmax
 * @param topK          keep only the k most likely tokens (0: all)
 * @param topP          keep the smallest set of most likely tokens whose probability reaches p (1: all)
 * @param maxNewTokens  stop after this many generated tokens
 * @param stopTokens    stop a sequence right after it emits one of these (the stop token is kept)
 * @param seed          sequence i of a batch draws from its own generator seeded with seed + i, so a batch
 *                      gives the same tokens as generating each sequence alone with seed + i
 */
public record SamplingParams(double temperature, int topK, double topP, int maxNewTokens, Set<Integer> stopTokens,
                             long seed) {
  public SamplingParams {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0 and finite, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0, got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
    stopTokens = stopTokens == null ? Set.of() : Set.copyOf(stopTokens);
  }

  public static SamplingParams greedy(int maxNewTokens, Set<Integer> stopTokens) {
    return new SamplingParams(0, 0, 1, maxNewTokens, stopTokens, 0);
  }

  public static SamplingParams sample(double temperature, int maxNewTokens, Set<Integer> stopTokens, long seed) {
    return new SamplingParams(temperature, 0, 1, maxNewTokens, stopTokens, seed);
  }

  public boolean greedy() {
    return temperature == 0;
  }
}
