package io.shiq.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Llama;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One forward pass over whole sequences, returning per position only the taken token's logit and log-prob and
 * the logsumexp of the logits: [B, T] numbers leave the device, never the [B, T, V] logits.
 */
public final class Scorer {
  private final Llama model;
  private final int microBatch;

  public Scorer(Llama model, int microBatch) {
    if (microBatch < 1) {
      throw new IllegalArgumentException("microBatch must be >= 1, got " + microBatch);
    }
    this.model = model;
    this.microBatch = microBatch;
  }

  public List<TokenScores> score(List<int[]> sequences) {
    List<TokenScores> out = new ArrayList<>(sequences.size());
    for (int from = 0; from < sequences.size(); from += microBatch) {
      out.addAll(scoreBatch(sequences.subList(from, Math.min(sequences.size(), from + microBatch))));
    }
    return out;
  }

  private List<TokenScores> scoreBatch(List<int[]> sequences) {
    int batch = sequences.size();
    int maxLen = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
    if (maxLen < 2) {
      throw new IllegalArgumentException("sequences need at least 2 tokens to score a next token");
    }
    if (maxLen > model.config().maxSeqLen()) {
      throw new IllegalArgumentException("a sequence of " + maxLen + " tokens exceeds the model's context of "
          + model.config().maxSeqLen());
    }
    // Right padding: a causal model never lets earlier positions see the padding after them.
    long[] ids = new long[batch * maxLen];
    for (int b = 0; b < batch; b++) {
      int[] s = sequences.get(b);
      for (int t = 0; t < s.length; t++) {
        ids[b * maxLen + t] = s[t];
      }
    }
    float[] taken;
    float[] lse;
    NDManager manager = model.weights().manager();
    try (NDScope ignored = new NDScope()) {
      NDArray tokens = manager.create(ids, new Shape(batch, maxLen));
      NDArray logits = model.forward(tokens).get(new NDIndex(":, :-1, :"));          // [B, T-1, V]
      NDArray next = tokens.get(new NDIndex(":, 1:")).expandDims(-1);              // [B, T-1, 1]
      NDArray logSumExp = Llama.logSumExp(logits);
      taken = logits.gather(next, -1).squeeze(-1).toFloatArray();
      lse = logSumExp.toFloatArray();
    }
    List<TokenScores> out = new ArrayList<>(batch);
    int width = maxLen - 1;
    for (int b = 0; b < batch; b++) {
      int n = sequences.get(b).length - 1;
      float[] la = Arrays.copyOfRange(taken, b * width, b * width + n);
      float[] z = Arrays.copyOfRange(lse, b * width, b * width + n);
      float[] lp = new float[n];
      for (int t = 0; t < n; t++) {
        lp[t] = la[t] - z[t];
      }
      out.add(new TokenScores(lp, la, z));
    }
    return out;
  }
}
