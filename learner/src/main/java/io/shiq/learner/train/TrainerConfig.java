package io.shiq.learner.train;

import io.shiq.learner.objective.ObjectiveConfig;

/**
 * Everything the trainer needs besides the model.
 *
 * @param objective          the objective and its hyper-parameters
 * @param optimizer          AdamW, schedule, clipping
 * @param microBatch         trajectories per forward/backward; gradients accumulate over a step's micro-batches
 * @param seed               seeds everything the trainer draws (value-head initialisation)
 * @param referenceCacheSize trajectories whose reference values are kept
 */
public record TrainerConfig(ObjectiveConfig objective, OptimizerConfig optimizer, int microBatch, long seed,
                            int referenceCacheSize) {
  public TrainerConfig {
    if (objective == null || optimizer == null) {
      throw new IllegalArgumentException("objective and optimizer are required");
    }
    if (microBatch < 1) {
      throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
    }
    if (referenceCacheSize < 1) {
      throw new IllegalArgumentException("reference cache size must be >= 1, got " + referenceCacheSize);
    }
  }

  public static TrainerConfig of(ObjectiveConfig objective, OptimizerConfig optimizer) {
    return new TrainerConfig(objective, optimizer, 16, 0, 100_000);
  }

  public TrainerConfig withMicroBatch(int n) {
    return new TrainerConfig(objective, optimizer, n, seed, referenceCacheSize);
  }
}
