package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Llama;

/**
 * What an objective reads from the policy's output head, aligned with a {@link TokenBatch}'s positions: the action's
 * logit {@code la} and the log-sum-exp over the vocabulary {@code lse}, both [B, T] and trainable. Only the
 * positions of {@link TokenBatch#lossPositions()} need to hold values; the objectives mask every other one out.
 *
 * @param la     [B, T] logit of the action taken at each position
 * @param lse    [B, T] log-sum-exp of the logits at each position
 * @param logits [B, T, V] the full logits, only for objectives that need the whole distribution
 *               ({@link Objective#needsFullLogits()}, naive); null otherwise
 */
public record PolicyOutputs(NDArray la, NDArray lse, NDArray logits) {
  public PolicyOutputs {
    if (!la.getShape().equals(lse.getShape()) || la.getShape().dimension() != 2) {
      throw new IllegalArgumentException("la " + la.getShape() + " and lse " + lse.getShape() + " must both be "
          + "[B, T]");
    }
  }

  /** From the full logits [B, T, V] at every position of {@code batch}. */
  public static PolicyOutputs fromLogits(TokenBatch batch, NDArray logits) {
    Shape expected = new Shape(batch.batch, batch.width);
    if (logits.getShape().dimension() != 3 || !new Shape(logits.getShape().get(0), logits.getShape().get(1))
        .equals(expected)) {
      throw new IllegalArgumentException("logits have shape " + logits.getShape() + ", the batch needs "
          + expected + " x V");
    }
    NDArray la = logits.gather(batch.actions(logits.getManager()).expandDims(-1), -1).squeeze(-1);
    return new PolicyOutputs(la, Llama.logSumExp(logits), logits);
  }
}
