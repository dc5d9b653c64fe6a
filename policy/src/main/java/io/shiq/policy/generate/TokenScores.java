package io.shiq.policy.generate;

/**
 * Per-position quantities of one sequence of n tokens, for t = 0..n-2 (the state before token t+1):
 * {@code logProbs[t] = ln pi(ids[t+1] | ids[0..t])}, {@code takenLogits[t] = l(s_t, ids[t+1])} and
 * {@code logSumExp[t] = logsumexp of the logits at t}. A learner caches the reference model's values once per
 * trajectory (ShiQ needs only laRef and lseRef).
 */
public record TokenScores(float[] logProbs, float[] takenLogits, float[] logSumExp) {}
