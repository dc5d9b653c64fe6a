package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
  public LossResult loss(TokenBatch batch, PolicyOutputs policy, NDArray values) {
    TokenTerms k = new TokenTerms(batch, policy, config);
    NDArray residual = residuals(k);
    NDArray loss = k.reduceTokens(residual.square().mul(k.mask));
    return k.result(loss, k.meanAbsPerRow(residual));
  }

  /** Actions per block of the discounted-return scan: a [K, K] matrix inside a block, a carry between blocks. */
  static final int SCAN_BLOCK = 64;

  /**
   * R [B, T] (meaningful at action positions), with G computed in memory linear in T.
   *
   * <p>Over the n actions of a row (action index i, not position), {@code G_i = S_i + gamma^(n-i) V_after}, where
   * {@code S_i = sum_{j >= i} gamma^(j-i) c_j} and {@code V_after} is V at the bootstrap state of a truncated row
   * (0 for a terminal one). S is a reverse discounted scan, done blockwise: inside each block of
   * {@link #SCAN_BLOCK} actions a [K, K] upper-triangular discount matrix, between blocks a carry
   * ({@code S_i = L_i + gamma^(K - i mod K) S_(first of next block)}), so memory is O(B n K) and the loop runs n / K
   * times. Every position then reads G of its next action (non-action positions pass G through, as the dense form
   * does; after the last action G is 0). Exact: the same sums as the former dense [B, T, T] form, in another order.
   */
  static NDArray residuals(TokenTerms k) {
    TokenBatch b = k.batch;
    int t = b.width;
    double gamma = k.config.gamma();
    int rows = b.batch;
    int maxActions = 0;
    for (int row = 0; row < rows; row++) {
      maxActions = Math.max(maxActions, b.actionCount(row));
    }
    int blocks = (maxActions + SCAN_BLOCK - 1) / SCAN_BLOCK;
    int width = blocks * SCAN_BLOCK; // padded action count; padded actions have c = 0
    long[] actionPos = new long[rows * width];
    float[] valid = new float[rows * width];
    float[] bootDiscount = new float[rows * width];
    long[] readAt = new long[rows * t]; // per position: the action index whose G it takes, or `width` (zero)
    long[] bootPos = new long[rows];
    for (int row = 0; row < rows; row++) {
      int n = 0;
      for (int p = 0; p < t; p++) {
        if (b.isAction(row, p)) {
          actionPos[row * width + n] = p;
          valid[row * width + n] = 1f;
          n++;
        }
      }
      for (int i = 0; i < n; i++) {
        bootDiscount[row * width + i] = k.bootstrap(row) ? (float) Math.pow(gamma, n - i) : 0f;
      }
      int last = b.lastAction(row);
      int next = width;
      for (int p = t - 1; p >= 0; p--) {
        if (b.isAction(row, p)) {
          next = --n;
        }
        readAt[row * t + p] = p > last ? width : next;
      }
      bootPos[row] = Math.min(last + 1, t - 1);
    }
    NDArray c = k.mask.mul(k.rewards.sub(k.rho.mul(Scalars.of(k.m, k.config.beta()))));
    NDArray cActions = c.gather(k.m.create(actionPos, new Shape(rows, width)), 1)
        .mul(k.m.create(valid, new Shape(rows, width)));                                  // [B, A]

    // Inside a block: L = C D, D[j, i] = gamma^(j - i) for j >= i.
    float[] d = new float[SCAN_BLOCK * SCAN_BLOCK];
    float[] carryDiscount = new float[SCAN_BLOCK];
    for (int i = 0; i < SCAN_BLOCK; i++) {
      for (int j = i; j < SCAN_BLOCK; j++) {
        d[j * SCAN_BLOCK + i] = (float) Math.pow(gamma, j - i);
      }
      carryDiscount[i] = (float) Math.pow(gamma, SCAN_BLOCK - i);
    }
    NDArray local = cActions.reshape(rows, blocks, SCAN_BLOCK)
        .matMul(k.m.create(d, new Shape(SCAN_BLOCK, SCAN_BLOCK)));                        // [B, nb, K]
    NDArray carryFactor = k.m.create(carryDiscount, new Shape(1, SCAN_BLOCK));
    NDArray[] scanned = new NDArray[blocks];
    NDArray carry = null; // S at the first action of the next block, [B, 1]
    for (int blk = blocks - 1; blk >= 0; blk--) {
      NDArray s = local.get(":, " + blk + ", :");                                          // [B, K]
      if (carry != null) {
        s = s.add(carryFactor.mul(carry));
      }
      scanned[blk] = s;
      carry = s.get(":, 0:1");
    }
    NDArray sActions = blocks == 1 ? scanned[0] : NDArrays.concat(new NDList(scanned), 1);   // [B, A]
    NDArray vAfter = k.value.gather(k.m.create(bootPos, new Shape(rows, 1)), 1);           // [B, 1]
    NDArray gActions = sActions.add(k.m.create(bootDiscount, new Shape(rows, width)).mul(vAfter));
    NDArray g = gActions.concat(k.m.zeros(new Shape(rows, 1)), 1)
        .gather(k.m.create(readAt, new Shape(rows, t)), 1);                                  // [B, T]
    return g.sub(k.value);
  }
}
