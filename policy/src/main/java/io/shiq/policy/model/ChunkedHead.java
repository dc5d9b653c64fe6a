package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.shiq.policy.engine.TorchEngine;

/**
 * The two numbers per position a token-level loss reads from a model's output head, the logit of one chosen token
 * and the log-sum-exp over the vocabulary, computed one vocabulary chunk at a time: no [B, T, V] logits tensor
 * exists, only [B, T, chunk] ones, each freed before the next (a 151,669-id vocabulary over 8,192 positions would be
 * 5 GB of logits). The log-sum-exp is the streaming form (running max, sum rescaled when the max grows), equal to
 * the one-pass form to float precision.
 *
 * <p>Training goes through {@link #gradients}, the same two numbers' backward pass chunk by chunk: autograd through
 * the forward loop would save every chunk's logits for the backward pass, which is the full [positions, V] again.
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
    // {running max, running sum of exp(l - max), taken logit}: each chunk's values leave the chunk's scope, the
    // previous ones are closed, and the results are registered in the caller's scope at the end.
    NDArray[] run = null;
    for (int from = 0; from < vocab; from += chunk) {
      int to = Math.min(vocab, from + chunk);
      NDArray[] next;
      try (NDScope ignored = new NDScope()) {
        NDArray l = model.logits(hidden, from, to);                                  // [..., C]
        NDArray chunkMax = l.max(new int[] {-1});
        NDArray newMax = run == null ? chunkMax : run[0].maximum(chunkMax);
        NDArray chunkSum = l.sub(newMax.expandDims(-1)).exp().sum(new int[] {-1});
        NDArray newSum = run == null ? chunkSum : run[1].mul(run[0].sub(newMax).exp()).add(chunkSum);
        NDArray inChunk = ids.gte(from).logicalAnd(ids.lt(to)).toType(DataType.FLOAT32, false);
        NDArray local = ids.sub(from).clip(0, to - from - 1);
        NDArray part = l.gather(local.expandDims(-1), -1).squeeze(-1).mul(inChunk);
        NDArray newTaken = run == null ? part : run[2].add(part);
        next = new NDArray[] {newMax, newSum, newTaken};
        NDScope.unregister(next);
      }
      close(run);
      run = next;
    }
    NDArray lse = run[1].log().add(run[0]);
    NDScope.register(run[2]);
    close(run[0], run[1]);
    return new NDArray[] {run[2], lse};
  }

  /**
   * The backward pass of {@link #takenLogitAndLogSumExp} over rows of hidden states, one vocabulary chunk at a time.
   * With {@code gTaken} and {@code gLse} the gradients of a loss with respect to each row's taken logit and
   * log-sum-exp,
   * <pre>
   *   dL/dlogits[n, v] = gLse[n] softmax(logits[n])[v] + gTaken[n] [v == ids[n]]
   *   dH = dL/dlogits W          dW = dL/dlogits^T H          (W the output head [V, D])
   * </pre>
   * exactly, with only [N, chunk] arrays alive at a time. Records no graph.
   *
   * @param hidden [N, D] final-normalised hidden states of the rows
   * @param ids    [N] the taken token of each row (int64)
   * @param lse    [N] each row's log-sum-exp (from the forward pass)
   * @param gTaken [N] dL / d taken logit
   * @param gLse   [N] dL / d log-sum-exp
   * @return {dH [N, D], dW [V, D]}, in the caller's scope
   */
  public static NDArray[] gradients(Llama model, NDArray hidden, NDArray ids, NDArray lse, NDArray gTaken,
                                    NDArray gLse, int chunk) {
    return TorchEngine.withoutGradients(() -> {
      NDArray head = model.weights().output().getArray();
      int vocab = model.config().vocabSize();
      NDArray h = hidden.stopGradient();
      NDArray idCol = ids.reshape(-1, 1);
      NDArray lseCol = lse.reshape(-1, 1);
      NDArray gTakenCol = gTaken.reshape(-1, 1);
      NDArray gLseCol = gLse.reshape(-1, 1);
      NDArray dHidden = h.zerosLike();
      NDArray dHead = head.zerosLike();
      for (int from = 0; from < vocab; from += chunk) {
        int to = Math.min(vocab, from + chunk);
        try (NDScope ignored = new NDScope()) {
          NDArray w = head.get(from + ":" + to);                                          // [C, D]
          NDArray logits = h.matMul(w.transpose());                                        // [N, C]
          NDArray taken = idCol.eq(h.getManager().arange(from, to, 1, DataType.INT64).reshape(1, -1))
              .toType(DataType.FLOAT32, false);
          NDArray g = logits.sub(lseCol).exp().mul(gLseCol).add(taken.mul(gTakenCol));    // dL/dlogits [N, C]
          dHidden.addi(g.matMul(w));
          dHead.set(new NDIndex(from + ":" + to), g.transpose().matMul(h));               // [C, D]
        }
      }
      return new NDArray[] {dHidden, dHead};
    });
  }

  private static void close(NDArray... arrays) {
    if (arrays != null) {
      for (NDArray a : arrays) {
        a.close();
      }
    }
  }
}
