package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Scalars;

/**
 * ShiQ, the multi-step shifted-Q objective (the default).
 * <pre>
 *   c_t = mask_t (r_t - beta rho_t)
 *   G_t = c_t + gamma G_next(t)          over action tokens only; non-action positions pass G through;
 *                                         after the final action G = 0, or V(bootstrap state) if truncated
 *   R_t = G_t - V_t                       V_t = beta (lse_t - lseRef_t)
 *   loss = sum_t mask_t R_t^2, averaged over trajectories (or over action tokens), each counted w_b times
 *                                     (its importance weight; see TokenTerms)
 * </pre>
 * Gradients flow through G (via rho) and V: no target network, no stop-gradient. R_t equals minus the discounted sum
 * of the one-step shifted-init residuals from t on, so a final reward reaches every token in one update.
 */
record Shiq(ObjectiveConfig config) implements Objective {
  @Override
  public LossResult loss(TokenBatch batch, NDArray logits, NDArray values) {
    TokenTerms k = new TokenTerms(batch, logits, config);
    NDArray residual = residuals(k);
    NDArray loss = k.reduceTokens(residual.square().mul(k.mask));
    return k.result(loss, k.meanAbsPerRow(residual));
  }

  /** R [B, T] (meaningful at action positions). */
  static NDArray residuals(TokenTerms k) {
    TokenBatch b = k.batch;
    int t = b.width;
    double gamma = k.config.gamma();
    // G = W c + w_boot V(boot): W[b, t, j] = gamma^(actions in [t, j)) for action j >= t. Constant per batch.
    float[] w = new float[b.batch * t * t];
    float[] wBoot = new float[b.batch * t];
    long[] bootPos = new long[b.batch];
    for (int row = 0; row < b.batch; row++) {
      int[] before = new int[t + 1]; // actions strictly before position p
      for (int p = 0; p < t; p++) {
        before[p + 1] = before[p] + (b.isAction(row, p) ? 1 : 0);
      }
      int last = b.lastAction(row);
      for (int p = 0; p < t; p++) {
        for (int j = p; j < t; j++) {
          if (b.isAction(row, j)) {
            w[(row * t + p) * t + j] = (float) Math.pow(gamma, before[j] - before[p]);
          }
        }
        if (k.bootstrap(row) && p <= last) {
          wBoot[row * t + p] = (float) Math.pow(gamma, before[t] - before[p]);
        }
      }
      bootPos[row] = Math.min(last + 1, t - 1);
    }
    NDArray c = k.mask.mul(k.rewards.sub(k.rho.mul(Scalars.of(k.m, k.config.beta()))));
    NDArray g = k.m.create(w, new Shape(b.batch, t, t)).matMul(c.expandDims(-1)).squeeze(-1);
    NDArray vBoot = k.value.gather(k.m.create(bootPos, new Shape(b.batch, 1)), 1);       // [B, 1]
    g = g.add(k.m.create(wBoot, new Shape(b.batch, t)).mul(vBoot));
    return g.sub(k.value);
  }
}
