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

  /**
   * What differs from {@code before}, one "name old -> new" entry per hyper-parameter (nested records flattened as
   * {@code objective.beta}, {@code optimizer.learningRate}); the seed is left out, since it only shapes a new run's
   * initialisation.
   */
  public java.util.List<String> changesFrom(TrainerConfig before) {
    java.util.List<String> out = new java.util.ArrayList<>();
    diff("", before, this, out);
    out.removeIf(s -> s.startsWith("seed "));
    return out;
  }

  private static void diff(String prefix, Record a, Record b, java.util.List<String> out) {
    for (java.lang.reflect.RecordComponent c : a.getClass().getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        if (x instanceof Record rx && y instanceof Record ry && rx.getClass() == ry.getClass()) {
          diff(prefix + c.getName() + ".", rx, ry, out);
        } else if (!java.util.Objects.equals(x, y)) {
          out.add(prefix + c.getName() + " " + x + " -> " + y);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c.getName() + " of " + a.getClass().getSimpleName(), e);
      }
    }
  }

  public TrainerConfig withSeed(long s) {
    return new TrainerConfig(objective, optimizer, microBatch, s, referenceCacheSize);
  }

  public TrainerConfig withMicroBatch(int n) {
    return new TrainerConfig(objective, optimizer, n, seed, referenceCacheSize);
  }
}
