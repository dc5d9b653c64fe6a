package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * The two numbers per position a token-level loss reads from a model's output head, the logit of one chosen token
 * and the log-sum-exp over the vocabulary, computed one vocabulary chunk at a time: no [B, T, V] logits tensor
 * exists, only [B, T, chunk] ones, each freed before the next (a 151,669-id vocabulary over 8,192 positions would be
 * 5 GB of logits). The log-sum-exp is the streaming form (running max, sum rescaled when the max grows), equal to
 * the one-pass form to float precision. For inference (the reference model's values); the arrays keep no graph.
 */
public final class ChunkedHead {
  /** Vocabulary ids per chunk. */
  public static final int DEFAULT_CHUNK = 16_384;

  private ChunkedHead() {}

  /**
   * @param hidden final-normalised hidden states [B, T, D]
   * @param ids    the chosen token per position [B, T] (int64)
   * @return {logit of ids [B, T], log-sum-exp [B, T]}, in the caller's scope
   */
  public static NDArray[] takenLogitAndLogSumExp(Llama model, NDArray hidden, NDArray ids, int chunk) {
    int vocab = model.config().vocabSize();
    if (vocab <= chunk) {
      NDArray logits = model.logits(hidden);
      return new NDArray[] {logits.gather(ids.expandDims(-1), -1).squeeze(-1), Llama.logSumExp(logits)};
    }
    NDArray runMax = null;
    NDArray runSum = null;
    NDArray taken = null;
    for (int from = 0; from < vocab; from += chunk) {
      int to = Math.min(vocab, from + chunk);
      try (NDScope ignored = new NDScope()) {
        NDArray l = model.logits(hidden, from, to);                                  // [B, T, C]
        NDArray chunkMax = l.max(new int[] {-1});
        NDArray newMax = runMax == null ? chunkMax : runMax.maximum(chunkMax);
        NDArray chunkSum = l.sub(newMax.expandDims(-1)).exp().sum(new int[] {-1});
        NDArray newSum = runSum == null ? chunkSum : runSum.mul(runMax.sub(newMax).exp()).add(chunkSum);
        NDArray inChunk = ids.gte(from).logicalAnd(ids.lt(to)).toType(DataType.FLOAT32, false);
        NDArray local = ids.sub(from).clip(0, to - from - 1);
        NDArray part = l.gather(local.expandDims(-1), -1).squeeze(-1).mul(inChunk);
        NDArray newTaken = taken == null ? part : taken.add(part);
        NDScope.unregister(newMax, newSum, newTaken);
        runMax = newMax;
        runSum = newSum;
        taken = newTaken;
      }
    }
    return new NDArray[] {taken, runSum.log().add(runMax)};
  }
}
