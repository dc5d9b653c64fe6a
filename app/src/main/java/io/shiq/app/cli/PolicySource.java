package io.shiq.app.cli;

import io.shiq.policy.cli.ModelOptions;
import ai.djl.Device;
import io.shiq.envs.Environments;
import io.shiq.envs.SyntheticEnvironment;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;

/**
 * The initial policy of an environment. The synthetic token-tree MDP needs a policy over its own K + 1 tokens: a
 * small Llama from scratch with a fixed seed, so that every actor and learner starts from the same weights.
 * Every other environment uses the model of the model options (stories260K by default).
 */
public final class PolicySource {
  private PolicySource() {}

  /** Seed of the synthetic policy's initial weights. */
  public static final long SYNTHETIC_SEED = 2026;

  public static PolicyModel load(String env, ModelOptions options) {
    if (Environments.defaults(env).ownPolicy() && options.model == null) {
      return synthetic(SYNTHETIC_SEED, options.device());
    }
    return options.load();
  }

  public static PolicyModel synthetic(long seed, Device device) {
    SyntheticEnvironment syn = SyntheticEnvironment.defaults();
    LlamaConfig c = LlamaConfig.tiny(syn.mdp().vocab() + 1);
    return new PolicyModel(LlamaWeights.random(c, seed, device), syn.tokenizer(), "random " + c + " (seed " + seed
        + ")");
  }
}
