package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Scalars;
import java.util.List;

/**
 * Sequence-level baselines on the same data path as ShiQ; S(y) = sum_t mask_t rho_t, R(y) = sum of rewards. They
 * average over trajectories (DRO) or pairs (DPO, CoPG) whatever the normalisation. Importance weights: a DRO
 * trajectory of weight w counts w times; a pair counts the mean of its two weights times (a pair is one term, and the
 * mean is 1 when both are, as with the uniform sampler).
 */
final class SequenceBaselines {
  private SequenceBaselines() {}

  /** Rows 2i and 2i+1 of a per-trajectory vector, as [P] each. */
  static NDArray[] pairs(NDArray perTrajectory, TokenBatch batch) {
    if (batch.batch % 2 != 0) {
      throw new IllegalArgumentException("pairwise objectives need an even batch of (y, y') pairs, got "
          + batch.batch + " trajectories");
    }
    NDArray p = perTrajectory.reshape(new Shape(batch.batch / 2, 2));
    return new NDArray[] {p.get(":, 0"), p.get(":, 1")};
  }

  /** Per-pair terms [P] averaged with the pairs' weights (the mean of each pair's two importance weights). */
  static NDArray pairMean(TokenTerms k, NDArray perPair) {
    List<TrainingSequence> seqs = k.batch.sequences;
    return k.weightedMean(perPair, k.m.create(TokenTerms.pairWeights(seqs)), TokenTerms.pairNormalizer(seqs));
  }

  static NDArray softplus(NDArray x) {
    // ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|), stable for large |x|.
    // maximum(Scalars), not maximum(0f): autograd keeps the scalar (see Scalars).
    return x.maximum(Scalars.of(x.getManager(), 0)).add(x.abs().neg().exp().add(1f).log());
  }

  /** DPO and CoPG: trajectories come in pairs, and the loss averages over pairs. */
  interface PairObjective extends Objective {
    @Override
    default boolean needsPairs() {
      return true;
    }

    @Override
    default double normalizer(List<TrainingSequence> sequences) {
      return TokenTerms.pairNormalizer(sequences);
    }
  }

  /**
   * DPO on pairs (y_w at 2i, y_l at 2i+1): loss = -ln sigmoid(beta (S(y_w) - S(y_l))), averaged over pairs (weighted).
   */
  record Dpo(ObjectiveConfig config) implements PairObjective {
    @Override
    public LossResult loss(TokenBatch batch, PolicyOutputs policy, NDArray values) {
      TokenTerms k = new TokenTerms(batch, policy, config);
      NDArray[] s = pairs(TokenTerms.rowSum(k.rho.mul(k.mask)), batch);
      NDArray perPair = softplus(s[0].sub(s[1]).mul(Scalars.of(k.m, -config.beta())));
      return k.result(pairMean(k, perPair), perPair.repeat(0, 2));
    }
  }

  /**
   * DRO on single trajectories with a separate scalar value head: loss = 0.5 (R(x,y) - V_phi(x) - beta S(y))^2,
   * averaged over kept trajectories (weighted). (ShiQ's residual at the first action is this with V read off the
   * logits.)
   */
  record Dro(ObjectiveConfig config) implements Objective {
    @Override
    public boolean needsValueHead() {
      return true;
    }

    @Override
    public LossResult loss(TokenBatch batch, PolicyOutputs policy, NDArray values) {
      if (values == null || values.getShape().size() != batch.batch) {
        throw new IllegalArgumentException("dro needs one value-head output per trajectory ([" + batch.batch
            + "]), got " + (values == null ? "none" : values.getShape()));
      }
      TokenTerms k = new TokenTerms(batch, policy, config);
      NDArray total = TokenTerms.rowSum(k.rewards.mul(k.mask));
      NDArray delta = total.sub(values.reshape(batch.batch)).sub(TokenTerms.rowSum(k.rho.mul(k.mask))
          .mul(Scalars.of(k.m, config.beta())));
      NDArray loss = k.weightedMean(delta.square().mul(Scalars.of(k.m, 0.5)), k.weight,
          normalizer(batch.sequences));
      return k.result(loss, delta.abs());
    }

    @Override
    public double normalizer(List<TrainingSequence> sequences) {
      return TokenTerms.trajectoryNormalizer(sequences, config);
    }
  }

  /**
   * CoPG on pairs (y, y') of the same prompt: loss = (R(y) - R(y') - beta (S(y) - S(y')))^2 / (4 beta), averaged
   * over pairs (weighted); its gradient is the contrastive policy gradient.
   */
  record Copg(ObjectiveConfig config) implements PairObjective {
    @Override
    public LossResult loss(TokenBatch batch, PolicyOutputs policy, NDArray values) {
      TokenTerms k = new TokenTerms(batch, policy, config);
      NDArray[] r = pairs(TokenTerms.rowSum(k.rewards.mul(k.mask)), batch);
      NDArray[] s = pairs(TokenTerms.rowSum(k.rho.mul(k.mask)), batch);
      NDArray delta = r[0].sub(r[1]).sub(s[0].sub(s[1]).mul(Scalars.of(k.m, config.beta())));
      NDArray perPair = delta.square().div(Scalars.of(k.m, 4 * config.beta()));
      return k.result(pairMean(k, perPair), delta.abs().repeat(0, 2));
    }
  }
}
