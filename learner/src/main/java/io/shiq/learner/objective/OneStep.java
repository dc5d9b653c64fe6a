package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.Scalars;

/**
 * The one-step rungs of the ablation ladder: loss = sum_t mask_t d_t^2, with the next-state term taken at the next
 * action token of the same episode (0 after the final action; the bootstrap state if truncated), reduced like ShiQ's
 * (per trajectory or per action token, importance-weighted; see TokenTerms).
 * <pre>
 *   naive            q = beta l:                 d_t = beta la_t - r_t - gamma beta lse(ln pi_ref(.|s') + l(s'))
 *   shifted-sampling beta g = q + beta ln pi_ref: d_t = beta (la_t - ln pi_ref(a_t|s_t)) - r_t - gamma beta lse(s')
 *   shifted-init     q = beta (l - l_ref):       d_t = beta (la_t - laRef_t) - r_t - gamma V(s')
 * </pre>
 * naive needs the reference distribution at every state (and at sampling time); shifted-sampling samples from
 * softmax(logits) but starts far from zero because logits carry an arbitrary per-state offset; shifted-init is zero,
 * with zero gradient, at initialisation when rewards are zero.
 */
record OneStep(ObjectiveConfig config, OneStep.Variant variant) implements Objective {
  enum Variant { NAIVE, SHIFTED_SAMPLING, SHIFTED_INIT }

  @Override
  public boolean needsFullReference() {
    return variant == Variant.NAIVE;
  }

  @Override
  public boolean needsFullLogits() {
    return variant == Variant.NAIVE;
  }

  @Override
  public LossResult loss(TokenBatch batch, PolicyOutputs policy, NDArray values) {
    TokenTerms k = new TokenTerms(batch, policy, config);
    NDArray d = residuals(k, policy.logits(), variant);
    return k.result(k.reduceTokens(d.square().mul(k.mask)), k.meanAbsPerRow(d));
  }

  static NDArray residuals(TokenTerms k, NDArray logits, Variant variant) {
    // Scalar factors as Scalars arrays, not mul(double): autograd keeps them (see Scalars).
    NDArray beta = Scalars.of(k.m, k.config.beta());
    NDArray gamma = Scalars.of(k.m, k.config.gamma());
    NDArray gammaBeta = Scalars.of(k.m, k.config.gamma() * k.config.beta());
    return switch (variant) {
      case SHIFTED_INIT -> k.la.sub(k.laRef).mul(beta).sub(k.rewards)
          .sub(k.atNextState(k.value).mul(gamma));
      case SHIFTED_SAMPLING -> k.la.sub(k.laRef.sub(k.lseRef)).mul(beta).sub(k.rewards)
          .sub(k.atNextState(k.lse).mul(gammaBeta));
      case NAIVE -> {
        if (logits == null) {
          throw new IllegalArgumentException("the naive objective needs the policy's full logits at every state");
        }
        if (k.batch.refLogProbs == null) {
          throw new IllegalArgumentException("the naive objective needs the reference log-probabilities of every "
              + "state (TokenBatch refLogProbs)");
        }
        NDArray shifted = k.batch.refLogProbs.add(logits);
        NDArray soft = Llama.logSumExp(shifted);
        yield k.la.mul(beta).sub(k.rewards).sub(k.atNextState(soft).mul(gammaBeta));
      }
    };
  }
}
