package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;

/**
 * What an objective computed for a batch.
 *
 * @param loss          the scalar to minimise (differentiable)
 * @param residuals     [B] mean |residual| per trajectory (ShiQ: |R_t| over action tokens; one-step variants:
 *                      |d_t|; sequence baselines: |sequence residual| or |margin|); replay uses it as a priority
 * @param klEstimate    mean of ln pi/pi_ref over action tokens (a KL(pi || pi_ref) estimate), scalar
 * @param trajectories  trajectories that contributed (truncated ones may be dropped)
 * @param actionTokens  action tokens that contributed
 */
public record LossResult(NDArray loss, NDArray residuals, NDArray klEstimate, int trajectories, int actionTokens) {}
