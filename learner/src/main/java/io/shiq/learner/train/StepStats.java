package io.shiq.learner.train;

import java.util.Map;

/**
 * Diagnostics of one training step.
 *
 * @param step            updates applied so far, this one included
 * @param loss            the objective's batch loss
 * @param meanReward      mean total reward of the batch's trajectories
 * @param klToReference   mean ln pi/pi_ref over action tokens (a KL(pi || pi_ref) estimate)
 * @param meanAbsResidual mean |residual| over the batch's trajectories
 * @param gradNorm        global gradient norm before clipping
 * @param learningRate    learning rate of this update
 * @param tokensPerSecond tokens (all positions) processed per second of this step
 * @param trajectories    trajectories that contributed
 * @param actionTokens    action tokens that contributed
 * @param priorities      mean |residual| per trajectory id (for replay priorities)
 */
public record StepStats(long step, double loss, double meanReward, double klToReference, double meanAbsResidual,
                        double gradNorm, double learningRate, double tokensPerSecond, int trajectories,
                        int actionTokens, Map<String, Double> priorities) {}
