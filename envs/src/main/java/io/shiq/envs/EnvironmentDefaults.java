package io.shiq.envs;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What a command needs to know of a built-in environment before it starts one, so that no command compares
 * environment names: the learner settings that suit it, a fixed answer length, and whether it brings its own policy.
 *
 * @param lr           learner learning rate where the user gave none (empty: the learner's default)
 * @param beta         KL-regularisation strength where the user gave none (empty: the learner's default)
 * @param publishEvery policy-version cadence where the user gave none (empty: the learner's default)
 * @param answerTokens tokens per answer when the environment fixes it (empty: the --max-tokens option)
 * @param ownPolicy    the environment has its own token vocabulary; without --model a small policy is built for it
 */
public record EnvironmentDefaults(OptionalDouble lr, OptionalDouble beta, OptionalInt publishEvery,
                                  OptionalInt answerTokens, boolean ownPolicy) {
  /** Nothing of its own: the learner's defaults, --max-tokens, the model of --model / the data directory. */
  public static final EnvironmentDefaults NONE = new EnvironmentDefaults(OptionalDouble.empty(),
      OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(), false);
}
