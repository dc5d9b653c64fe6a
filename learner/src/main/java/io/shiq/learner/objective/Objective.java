package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A training objective on token-level logits. Implementations carry their formula in the class comment; they differ
 * only in how they turn the per-token quantities of {@link TokenTerms} into a loss. They read the policy at the
 * positions of {@link TokenBatch#lossPositions()} only (the whole distribution there for {@link #needsFullLogits()}),
 * so the trainer applies the output head at those positions alone.
 */
public interface Objective {
  ObjectiveConfig config();

  /**
   * The loss of a batch.
   *
   * @param policy the policy's action logits and log-sum-exps at the batch's positions (trainable)
   * @param values [B] the value head's output at each prompt (DRO only; null for the others)
   */
  LossResult loss(TokenBatch batch, PolicyOutputs policy, NDArray values);

  /**
   * The loss of a batch from the policy's full logits.
   *
   * @param logits [B, T, V] policy logits aligned with the batch's positions (trainable)
   * @param values [B] the value head's output at each prompt (DRO only; null for the others)
   */
  default LossResult loss(TokenBatch batch, NDArray logits, NDArray values) {
    return loss(batch, PolicyOutputs.fromLogits(batch, logits), values);
  }

  /**
   * The denominator of this objective's loss on {@code sequences}: the importance-weight mass the loss averages over
   * (token-level objectives: weighted kept trajectories or action tokens, by the configured normalisation). A batch's
   * loss is its micro-batches' losses each scaled by normalizer(micro-batch) / normalizer(batch).
   */
  default double normalizer(List<TrainingSequence> sequences) {
    return TokenTerms.tokenNormalizer(sequences, config());
  }

  /** Trajectories come in (chosen, rejected) or (y, y') pairs at positions 2i, 2i+1. */
  default boolean needsPairs() {
    return false;
  }

  /** Needs a separate scalar value head V_phi(prompt). */
  default boolean needsValueHead() {
    return false;
  }

  /** Needs the reference model's full distribution at every state (naive only). */
  default boolean needsFullReference() {
    return false;
  }

  /** Reads the policy's whole distribution, not only {@code la} and {@code lse} (naive only). */
  default boolean needsFullLogits() {
    return false;
  }
}
