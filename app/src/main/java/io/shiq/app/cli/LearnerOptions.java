package io.shiq.app.cli;

import io.shiq.envs.EnvironmentDefaults;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.train.OptimizerConfig;
import io.shiq.learner.train.TrainerConfig;
import picocli.CommandLine.Option;

/** Training options shared by {@code shiq learner} and {@code shiq demo}. */
public final class LearnerOptions {
  @Option(names = "--objective", description = "Training objective: shiq, naive, shifted-sampling, shifted-init or dro "
      + "(dpo and copg train on pairs of one prompt, which replay batches are not: offline only; default: "
      + "${DEFAULT-VALUE}).")
  public String objective = "shiq";

  @Option(names = "--beta", description = "KL-regularisation strength of the objective (default: ${DEFAULT-VALUE}; "
      + "0.05 for the synthetic environment).")
  public double beta = 0.5;

  @Option(names = "--gamma", description = "Discount over action tokens (default: ${DEFAULT-VALUE}).")
  public double gamma = 1.0;

  @Option(names = "--lr", description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}; 1e-3 for the synthetic "
      + "environment).")
  public double lr = 1e-4;

  @Option(names = "--warmup-steps", description = "Linear learning-rate warm-up (default: ${DEFAULT-VALUE}).")
  public int warmupSteps = 5;

  @Option(names = "--micro-batch", description = "Trajectories per forward/backward pass; gradients accumulate over "
      + "a batch's micro-batches (default: ${DEFAULT-VALUE}).")
  public int microBatch = 16;

  @Option(names = "--publish-every", description = "Publish a new policy version every N steps (default: "
      + "${DEFAULT-VALUE}; 2 for the synthetic environment).")
  public int publishEvery = 4;

  @Option(names = "--checkpoint-every", description = "Checkpoint every N steps; outputs of a step are released once "
      + "a checkpoint covers it (default: ${DEFAULT-VALUE}).")
  public int checkpointEvery = 1;

  /** The environment's own learner defaults (see {@link EnvironmentDefaults}) where the user gave no value. */
  public void applyEnvironmentDefaults(EnvironmentDefaults env, picocli.CommandLine.ParseResult given) {
    if (!given.hasMatchedOption("--lr")) {
      env.lr().ifPresent(v -> lr = v);
    }
    if (!given.hasMatchedOption("--beta")) {
      env.beta().ifPresent(v -> beta = v);
    }
    if (!given.hasMatchedOption("--publish-every")) {
      env.publishEvery().ifPresent(v -> publishEvery = v);
    }
  }

  public TrainerConfig trainerConfig(long seed) {
    return new TrainerConfig(ObjectiveConfig.of(objective, beta, gamma),
        OptimizerConfig.adamW(lr).withSchedule(warmupSteps, 0, lr), microBatch, seed, 100_000);
  }
}
