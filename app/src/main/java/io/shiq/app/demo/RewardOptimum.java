package io.shiq.app.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.shiq.envs.Environment;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import java.util.OptionalDouble;

/**
 * The reward a converged learner would reach, where the environment knows it: the expected reward of the optimum of
 * the KL-regularised objective, with the learner's beta and its reference policy (the initial weights), whose
 * distribution the environment reads at the contexts it needs.
 */
public final class RewardOptimum {
  private RewardOptimum() {}

  /** The optimum's expected reward on {@code env}, empty when the environment cannot tell. */
  public static OptionalDouble of(Environment env, LlamaWeights reference, double beta) {
    Llama model = new Llama(reference);
    try (NDManager m = reference.manager().newSubManager()) { // the scope frees each pass's arrays
      return env.regularisedOptimumReward(context -> {
        long[] ids = new long[context.length];
        for (int i = 0; i < context.length; i++) {
          if (context[i] < 0 || context[i] >= reference.config().vocabSize()) {
            return new double[0]; // a token the model does not have: not a policy for this environment
          }
          ids[i] = context[i];
        }
        try (NDScope ignored = new NDScope()) {
          NDArray logits = model.forward(m.create(ids, new Shape(1, ids.length)));
          float[] last = logits.get(0, ids.length - 1).logSoftmax(-1).toFloatArray();
          double[] out = new double[last.length];
          for (int a = 0; a < last.length; a++) {
            out[a] = last[a];
          }
          return out;
        }
      }, beta);
    }
  }
}
