package io.shiq.learner.train;

/**
 * AdamW and its learning-rate schedule: linear warm-up over {@code warmupSteps}, then cosine decay to
 * {@code minLearningRate} at {@code totalSteps} (constant after), gradients clipped to a global L2 norm.
 *
 * @param learningRate   peak learning rate
 * @param minLearningRate learning rate at the end of the decay
 * @param warmupSteps    steps of linear warm-up from 0
 * @param totalSteps     step at which the decay ends; 0 means no decay (constant after warm-up)
 * @param beta1          Adam first-moment decay
 * @param beta2          Adam second-moment decay
 * @param epsilon        Adam denominator epsilon
 * @param weightDecay    decoupled weight decay, applied to matrices only (not to norms, biases or tables of size 1)
 * @param clipNorm       global gradient-norm clip; 0 disables it
 */
public record OptimizerConfig(double learningRate, double minLearningRate, int warmupSteps, int totalSteps,
                              double beta1, double beta2, double epsilon, double weightDecay, double clipNorm) {
  public OptimizerConfig {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    if (minLearningRate < 0 || minLearningRate > learningRate) {
      throw new IllegalArgumentException("min learning rate must be in [0, learning rate], got " + minLearningRate);
    }
    if (warmupSteps < 0 || totalSteps < 0) {
      throw new IllegalArgumentException("warm-up and total steps must be >= 0");
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException("Adam needs 0 <= beta1, beta2 < 1 and epsilon > 0");
    }
    if (weightDecay < 0 || clipNorm < 0) {
      throw new IllegalArgumentException("weight decay and clip norm must be >= 0");
    }
  }

  /** Adam defaults with the given peak learning rate, no schedule, no decay, clip at 1. */
  public static OptimizerConfig adamW(double learningRate) {
    return new OptimizerConfig(learningRate, learningRate, 0, 0, 0.9, 0.999, 1e-8, 0.0, 1.0);
  }

  public OptimizerConfig withSchedule(int warmup, int total, double minLr) {
    return new OptimizerConfig(learningRate, minLr, warmup, total, beta1, beta2, epsilon, weightDecay, clipNorm);
  }

  public OptimizerConfig withClipNorm(double clip) {
    return new OptimizerConfig(learningRate, minLearningRate, warmupSteps, totalSteps, beta1, beta2, epsilon,
        weightDecay, clip);
  }

  public OptimizerConfig withWeightDecay(double decay) {
    return new OptimizerConfig(learningRate, minLearningRate, warmupSteps, totalSteps, beta1, beta2, epsilon, decay,
        clipNorm);
  }

  /** Learning rate of update number {@code step} (1-based). */
  public double learningRateAt(long step) {
    if (warmupSteps > 0 && step <= warmupSteps) {
      return learningRate * step / warmupSteps;
    }
    if (totalSteps <= warmupSteps) {
      return learningRate;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
    return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress));
  }
}
