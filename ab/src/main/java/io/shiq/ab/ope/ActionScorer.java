package io.shiq.ab.ope;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Llama;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Scores the action tokens of logged episodes with one model, in micro-batches: per action token a_t at position p
 * of its sequence, the logits l of the state before it (the model's output at position p - 1, as in
 * {@link io.shiq.policy.generate.Scorer}) give
 * <pre>
 *   logSumExp[t] = logsumexp(l)                                   (temperature 1: ShiQ's value readout)
 *   logProbs[t]  = l[a_t] / T - logsumexp(l / T)                  (ln pi_T(a_t|s_t), when temperatures are given)
 * </pre>
 * Only the [N, D] hidden states of the action states go through the output head, by default N rows at most
 * {@link #ROW_BLOCK} at a time and the vocabulary {@link #VOCAB_CHUNK} ids at a time (streaming log-sum-exp), so no
 * [B, T, V] logits exist: prompts and observations cost the trunk only, and large vocabularies fit. Sequences are
 * sorted by length before batching so that right padding (harmless under the causal mask) stays short.
 */
final class ActionScorer {
  /** Action rows per pass of the output head. */
  static final int ROW_BLOCK = 1024;
  /** Vocabulary ids per pass of the output head (as the learner's ChunkedHead). */
  static final int VOCAB_CHUNK = 16_384;

  private final Llama model;
  private final int microBatch;
  private final int maxBatchTokens;
  private final int rowBlock;
  private final int vocabChunk;

  /**
   * @param microBatch     sequences per forward pass
   * @param maxBatchTokens padded tokens per forward pass (a long sequence goes alone)
   */
  ActionScorer(Llama model, int microBatch, int maxBatchTokens) {
    this(model, microBatch, maxBatchTokens, ROW_BLOCK, VOCAB_CHUNK);
  }

  ActionScorer(Llama model, int microBatch, int maxBatchTokens, int rowBlock, int vocabChunk) {
    this.model = model;
    this.microBatch = microBatch;
    this.maxBatchTokens = maxBatchTokens;
    this.rowBlock = rowBlock;
    this.vocabChunk = vocabChunk;
  }

  /** Per action token: ln pi_T (null when {@code temperatures} is null) and logsumexp of the raw logits. */
  record ActionScores(float[] logProbs, float[] logSumExp) {}

  /**
   * @param temperatures per episode, > 0; null scores the log-sum-exp only (a reference model)
   */
  List<ActionScores> score(List<LoggedEpisode> episodes, double[] temperatures) {
    ActionScores[] out = new ActionScores[episodes.size()];
    Integer[] order = new Integer[episodes.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> episodes.get(i).tokens().length));
    List<Integer> group = new ArrayList<>();
    for (int k = 0; k < order.length; k++) {
      group.add(order[k]);
      // Sorted ascending: the group's padded size is its last member's length times its size.
      int next = k + 1 < order.length ? episodes.get(order[k + 1]).tokens().length : 0;
      boolean full = group.size() >= microBatch || (long) next * (group.size() + 1) > maxBatchTokens;
      if (full || k + 1 == order.length) {
        scoreBatch(episodes, temperatures, group, out);
        group.clear();
      }
    }
    return Arrays.asList(out);
  }

  private void scoreBatch(List<LoggedEpisode> episodes, double[] temperatures, List<Integer> group,
                          ActionScores[] out) {
    int batch = group.size();
    int maxLen = 0;
    int rows = 0;
    for (int i : group) {
      maxLen = Math.max(maxLen, episodes.get(i).tokens().length);
      rows += episodes.get(i).actionPositions().length;
    }
    long[] ids = new long[batch * maxLen];
    long[] rowIndex = new long[rows];
    long[] taken = new long[rows];
    float[] temperature = new float[rows];
    int r = 0;
    for (int b = 0; b < batch; b++) {
      LoggedEpisode e = episodes.get(group.get(b));
      for (int t = 0; t < e.tokens().length; t++) {
        ids[b * maxLen + t] = e.tokens()[t];
      }
      for (int p : e.actionPositions()) {
        rowIndex[r] = (long) b * maxLen + p - 1;
        taken[r] = e.tokens()[p];
        temperature[r] = temperatures == null ? 1f : (float) temperatures[group.get(b)];
        r++;
      }
    }
    float[] logProbs = temperatures == null ? null : new float[rows];
    float[] logSumExp = new float[rows];
    NDManager manager = model.weights().manager();
    try (NDScope ignored = new NDScope()) {
      NDArray hidden = model.hidden(manager.create(ids, new Shape(batch, maxLen)))
          .reshape(batch * maxLen, model.config().dim());
      for (int from = 0; from < rows; from += rowBlock) {
        int to = Math.min(rows, from + rowBlock);
        try (NDScope perBlock = new NDScope()) {
          NDArray h = hidden.get(manager.create(Arrays.copyOfRange(rowIndex, from, to)));
          NDArray a = manager.create(Arrays.copyOfRange(taken, from, to));
          NDArray temp = temperatures == null ? null
              : manager.create(Arrays.copyOfRange(temperature, from, to)).expandDims(-1);
          head(h, a, temp, from, logProbs, logSumExp);
        }
      }
    }
    r = 0;
    for (int i : group) {
      int n = episodes.get(i).actionPositions().length;
      out[i] = new ActionScores(logProbs == null ? null : Arrays.copyOfRange(logProbs, r, r + n),
          Arrays.copyOfRange(logSumExp, r, r + n));
      r += n;
    }
  }

  /**
   * The output head over rows {@code h} [N, D], one vocabulary chunk at a time: running max and sum of exp for the raw
   * logits and (with {@code temp} [N, 1]) for the tempered ones, and the taken logit. Writes from row {@code at}.
   */
  private void head(NDArray h, NDArray taken, NDArray temp, int at, float[] logProbs, float[] logSumExp) {
    int vocab = model.config().vocabSize();
    // {max, sum exp(l - max), tempered max, tempered sum, taken logit}; carried out of each chunk's scope.
    NDArray[] run = null;
    for (int from = 0; from < vocab; from += vocabChunk) {
      int to = Math.min(vocab, from + vocabChunk);
      NDArray[] next;
      try (NDScope ignored = new NDScope()) {
        NDArray l = vocab <= vocabChunk ? model.logits(h) : model.logits(h, from, to);     // [N, C]
        NDArray[] raw = stream(l, run == null ? null : run[0], run == null ? null : run[1]);
        if (temp == null) {
          next = new NDArray[] {raw[0], raw[1]};
        } else {
          NDArray[] scaled = stream(l.div(temp), run == null ? null : run[2], run == null ? null : run[3]);
          NDArray inChunk = taken.gte(from).logicalAnd(taken.lt(to)).toType(DataType.FLOAT32, false);
          NDArray local = taken.sub(from).clip(0, to - from - 1);
          NDArray part = l.gather(local.expandDims(-1), -1).squeeze(-1).mul(inChunk);
          next = new NDArray[] {raw[0], raw[1], scaled[0], scaled[1], run == null ? part : run[4].add(part)};
        }
        NDScope.unregister(next);
      }
      close(run);
      run = next;
    }
    try (NDScope ignored = new NDScope()) {
      float[] lse = run[1].log().add(run[0]).toFloatArray();
      System.arraycopy(lse, 0, logSumExp, at, lse.length);
      if (temp != null) {
        float[] lp = run[4].div(temp.squeeze(-1)).sub(run[3].log().add(run[2])).toFloatArray();
        System.arraycopy(lp, 0, logProbs, at, lp.length);
      }
    } finally {
      close(run);
    }
  }

  /** One chunk's step of the streaming log-sum-exp: {new max, new sum of exp(x - max)}. */
  private static NDArray[] stream(NDArray x, NDArray max, NDArray sum) {
    NDArray chunkMax = x.max(new int[] {-1});
    NDArray newMax = max == null ? chunkMax : max.maximum(chunkMax);
    NDArray chunkSum = x.sub(newMax.expandDims(-1)).exp().sum(new int[] {-1});
    NDArray newSum = sum == null ? chunkSum : sum.mul(max.sub(newMax).exp()).add(chunkSum);
    return new NDArray[] {newMax, newSum};
  }

  private static void close(NDArray[] arrays) {
    if (arrays != null) {
      for (NDArray a : arrays) {
        a.close();
      }
    }
  }
}
