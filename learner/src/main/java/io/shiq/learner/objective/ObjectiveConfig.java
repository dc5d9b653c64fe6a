package io.shiq.learner.objective;

import java.util.Locale;

/**
 * Hyper-parameters shared by every objective.
 *
 * @param name          shiq (default), naive, shifted-sampling, shifted-init, dpo, dro, copg
 * @param beta          KL-regularisation strength, > 0
 * @param gamma         discount over action tokens, in (0, 1]
 * @param normalization how a trajectory's token terms are combined
 * @param truncation    what to do with episodes cut without reaching a terminal state
 */
public record ObjectiveConfig(String name, double beta, double gamma, Normalization normalization,
                              Truncation truncation) {

  /** PER_TRAJECTORY: sum of token terms, averaged over trajectories; PER_TOKEN: mean over all action tokens. */
  public enum Normalization { PER_TRAJECTORY, PER_TOKEN }

  /** BOOTSTRAP: use V at the state after the last action as the tail value; DROP: leave truncated episodes out. */
  public enum Truncation { BOOTSTRAP, DROP }

  public ObjectiveConfig {
    if (name == null || !Objectives.NAMES.contains(name)) {
      throw new IllegalArgumentException("objective '" + name + "' unknown; choose one of " + Objectives.NAMES);
    }
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("objective beta must be > 0 and finite, got " + beta);
    }
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("objective gamma must be in (0, 1], got " + gamma);
    }
    if (normalization == null) {
      normalization = Normalization.PER_TRAJECTORY;
    }
    if (truncation == null) {
      truncation = Truncation.BOOTSTRAP;
    }
  }

  public static ObjectiveConfig of(String name, double beta, double gamma) {
    return new ObjectiveConfig(name.toLowerCase(Locale.ROOT), beta, gamma, Normalization.PER_TRAJECTORY,
        Truncation.BOOTSTRAP);
  }

  public ObjectiveConfig withName(String other) {
    return new ObjectiveConfig(other, beta, gamma, normalization, truncation);
  }
}
