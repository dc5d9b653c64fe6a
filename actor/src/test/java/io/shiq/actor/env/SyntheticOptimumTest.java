package io.shiq.actor.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.learner.synthetic.TreeMdp;
import org.junit.jupiter.api.Test;

/** The reward of the regularised optimum the demo reports as {@code reward_optimum}. */
class SyntheticOptimumTest {
  private final SyntheticEnvironment env = SyntheticEnvironment.defaults();
  private final TreeMdp mdp = env.mdp();

  /** The state index of an action prefix in the MDP's numbering. */
  private int state(int[] prefix) {
    int s = 0;
    for (int a : prefix) {
      s = mdp.child(s, a);
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
    double got = env.regularisedOptimumReward(prefix -> logSoftmax(mdp.refLogits(state(prefix))), mdp.beta());
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
    assertEquals(referenceReward, env.regularisedOptimumReward(p -> uniform, 1e6), 1e-6);
    assertEquals(best, env.regularisedOptimumReward(p -> uniform, 1e-4), 1e-6);
    double mid = env.regularisedOptimumReward(p -> uniform, 0.05);
    assertTrue(mid > referenceReward && mid < best, "beta 0.05: " + mid);
    assertThrows(IllegalArgumentException.class, () -> env.regularisedOptimumReward(p -> uniform, 0));
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
