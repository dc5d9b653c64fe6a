package io.shiq.app.cli;

import io.shiq.policy.cli.ModelOptions;
import ai.djl.Device;
import io.shiq.envs.Environments;
import io.shiq.envs.SyntheticEnvironment;
import io.shiq.policy.DataDirectory;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.tokenizer.HfTokenizer;
import java.nio.file.Path;
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

  /**
   * Checks, without loading anything, that the model {@link #load} would load is there: a service checks its local
   * inputs before it waits on the network, so a wrong path is reported at once (exit code 3).
   */
  public static void checkLocal(String env, ModelOptions options) {
    options.device(); // a bad --device value
    if (Environments.defaults(env).ownPolicy() && options.model == null
        || env.equals("bfcl") && options.model == null) {
      return; // built in memory
    }
    java.nio.file.Path path = options.modelPath(); // no --model and no data directory: a named error
    if (!java.nio.file.Files.exists(path)) {
      throw new IllegalArgumentException("--model " + path + ": no such file or directory");
    }
  }

  public static PolicyModel load(String env, ModelOptions options) {
    if (Environments.defaults(env).ownPolicy() && options.model == null) {
      return synthetic(SYNTHETIC_SEED, options.device());
    }
    if (env.equals("bfcl") && options.model == null) {
      return qwenVocabulary(SYNTHETIC_SEED, options);
    }
    return options.load();
  }

  /**
   * The shape of the small model {@code --env bfcl} starts from without --model: Qwen2's layout (q/k/v biases,
   * grouped-query attention, tied embeddings, theta 1e6), narrow enough for two CPU cores, with room for BFCL's
   * prompts (the tool docs alone are thousands of tokens).
   */
  public static LlamaConfig smallQwenShape(int vocab) {
    return new LlamaConfig(64, 192, 2, 4, 2, vocab, 16384, 1e6, 1e-6, true, true, LlamaConfig.RopeLayout.HALVES);
  }

  /**
   * A small model with random weights (fixed seed, so actors and learner agree) and the Qwen vocabulary and chat
   * template of the data directory's qwen3-tokenizer/: enough to run the tool-use machinery end to end, not to call
   * tools well. It says so.
   */
  public static PolicyModel qwenVocabulary(long seed, ModelOptions options) {
    Path dir = DataDirectory.find(options.dataDir, "qwen3-tokenizer").orElseThrow(() -> new IllegalArgumentException(
        "--env bfcl without --model needs qwen3-tokenizer/ in the data directory ("
            + DataDirectory.searched(options.dataDir, "qwen3-tokenizer") + "), or give --model (e.g. after 'shiq "
            + "model pull Qwen/Qwen2.5-0.5B-Instruct')"));
    HfTokenizer tokenizer = HfTokenizer.load(dir);
    LlamaConfig c = smallQwenShape(tokenizer.vocabSize());
    System.out.println("no --model: a small random model with the Qwen vocabulary of " + dir + " (" + c
        + ", seed " + seed + "); it has not learnt to call tools. For a real run: shiq model pull "
        + "Qwen/Qwen2.5-0.5B-Instruct, then --model Qwen/Qwen2.5-0.5B-Instruct (a GPU helps).");
    return new PolicyModel(LlamaWeights.random(c, seed, options.device()), tokenizer, "random Qwen-vocabulary " + c
        + " (seed " + seed + ")");
  }

  public static PolicyModel synthetic(long seed, Device device) {
    SyntheticEnvironment syn = SyntheticEnvironment.defaults();
    LlamaConfig c = LlamaConfig.tiny(syn.mdp().vocab() + 1);
    return new PolicyModel(LlamaWeights.random(c, seed, device), syn.tokenizer(), "random " + c + " (seed " + seed
        + ")");
  }
}
