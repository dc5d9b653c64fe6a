package io.shiq.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.envs.TreeMdp;
import org.junit.jupiter.api.Test;

/** The reward of the regularised optimum the demo reports as {@code reward_optimum}. */
class SyntheticOptimumTest {
  private final SyntheticEnvironment env = SyntheticEnvironment.defaults();
  private final TreeMdp mdp = env.mdp();

  /** The state index of a context (BOS, then actions) in the MDP's numbering. */
  private int state(int[] context) {
    int s = 0;
    for (int i = 1; i < context.length; i++) {
      s = mdp.child(s, context[i]);
    }
    return s;
  }

  @Test
  void withTheTreesOwnReferenceItIsTheExpectedRewardOfTheTreesOptimalPolicy() {
    // TreeMdp solves the same objective by backward induction with beta = 0.5 over its K tokens: the expected
    // reward of its pi* is the figure, computed here independently by enumerating every episode.
    double expected = 0;
    for (int[] actions : mdp.allEpisodes()) {
      double p = 1;
      int s = 0;
      for (int a : actions) {
        p *= mdp.optimalPolicy(s)[a];
        s = mdp.child(s, a);
      }
      expected += p * mdp.episodeReturn(actions);
    }
    double got = env.regularisedOptimumReward(context -> logSoftmax(mdp.refLogits(state(context))), mdp.beta())
        .getAsDouble();
    assertEquals(expected, got, 1e-9);
  }

  @Test
  void itMovesFromTheReferencesRewardToTheBestLeafAsBetaShrinks() {
    // A reference uniform over K + 1 tokens, one of them invalid (BOS): with a huge beta the optimum is the
    // reference itself, with a tiny one it takes the best leaf with certainty.
    int v = mdp.vocab() + 1;
    double[] uniform = new double[v];
    java.util.Arrays.fill(uniform, -Math.log(v));
    double referenceReward = 0;
    double best = 0;
    for (int[] actions : mdp.allEpisodes()) {
      referenceReward += Math.pow(1.0 / v, mdp.depth()) * mdp.episodeReturn(actions);
      best = Math.max(best, mdp.episodeReturn(actions));
    }
    assertEquals(referenceReward, env.regularisedOptimumReward(p -> uniform, 1e6).getAsDouble(), 1e-6);
    assertEquals(best, env.regularisedOptimumReward(p -> uniform, 1e-4).getAsDouble(), 1e-6);
    double mid = env.regularisedOptimumReward(p -> uniform, 0.05).getAsDouble();
    assertTrue(mid > referenceReward && mid < best, "beta 0.05: " + mid);
    assertThrows(IllegalArgumentException.class, () -> env.regularisedOptimumReward(p -> uniform, 0));
    assertTrue(env.regularisedOptimumReward(p -> new double[2], 0.05).isEmpty(), "a policy over other tokens");
  }

  private static double[] logSoftmax(double[] x) {
    double lse = TreeMdp.logSumExp(x);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - lse;
    }
    return out;
  }
}
