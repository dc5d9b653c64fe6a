package io.shiq.app.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.shiq.actor.env.SyntheticEnvironment;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import java.util.OptionalDouble;

/**
 * The reward a converged learner would reach, where the environment knows it: the expected reward of the optimum of
 * the KL-regularised objective, with the learner's beta and its reference policy (the initial weights).
 */
public final class RewardOptimum {
  private RewardOptimum() {}

  /** The optimum's expected reward for {@code env}, empty when the environment cannot tell. */
  public static OptionalDouble of(String env, LlamaWeights reference, double beta) {
    if (!env.equals("synthetic")) {
      return OptionalDouble.empty();
    }
    SyntheticEnvironment syn = SyntheticEnvironment.defaults();
    int bos = syn.tokenizer().bosId();
    if (reference.config().vocabSize() <= bos) {
      return OptionalDouble.empty(); // not a policy over the tree's tokens
    }
    Llama model = new Llama(reference);
    try (NDManager m = reference.manager().newSubManager()) { // the scope frees each pass's arrays
      return OptionalDouble.of(syn.regularisedOptimumReward(prefix -> {
        long[] ids = new long[prefix.length + 1];
        ids[0] = bos;
        for (int i = 0; i < prefix.length; i++) {
          ids[i + 1] = prefix[i];
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
      }, beta));
    }
  }
}
