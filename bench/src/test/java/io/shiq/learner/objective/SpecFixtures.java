package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.shiq.envs.TreeMdp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Helpers for the specification's tabular tests. */
final class SpecFixtures {
  private SpecFixtures() {}

  static final double[] BETAS = {0.1, 0.5, 2.0};
  static final double[] GAMMAS = {0.9, 1.0};

  /** Every (beta, gamma, reward kind) combination on a 4-token, depth-3 tree. */
  static List<TreeMdp> mdps() {
    List<TreeMdp> out = new ArrayList<>();
    long seed = 1;
    for (double beta : BETAS) {
      for (double gamma : GAMMAS) {
        for (TreeMdp.RewardKind kind : TreeMdp.RewardKind.values()) {
          out.add(new TreeMdp(seed % 2 == 0 ? 3 : 5, 3, beta, gamma, kind, seed++));
        }
      }
    }
    return out;
  }

  /** Logits [B, T, K] of episodes under a host table (terminal positions get zeros). */
  static NDArray logits(NDManager m, TreeMdp mdp, List<int[]> episodes, double[][] table) {
    int t = mdp.depth() + 1;
    float[] out = new float[episodes.size() * t * mdp.vocab()];
    for (int b = 0; b < episodes.size(); b++) {
      int[] path = mdp.statePath(episodes.get(b));
      for (int p = 0; p < t; p++) {
        if (path[p] == mdp.terminalIndex()) {
          continue;
        }
        for (int a = 0; a < mdp.vocab(); a++) {
          out[(b * t + p) * mdp.vocab() + a] = (float) table[path[p]][a];
        }
      }
    }
    return m.create(out, new Shape(episodes.size(), t, mdp.vocab()));
  }

  static double[][] optimalTable(TreeMdp mdp) {
    double[][] t = new double[mdp.states()][];
    for (int s = 0; s < mdp.states(); s++) {
      t[s] = mdp.optimalLogits(s);
    }
    return t;
  }

  /** The optimum in the parametrisation of each one-step rung (naive: q* / beta; shifted-sampling: logits* - lseRef). */
  static double[][] optimalTable(TreeMdp mdp, String objective) {
    double[][] t = optimalTable(mdp);
    for (int s = 0; s < mdp.states(); s++) {
      double lseRef = TreeMdp.logSumExp(mdp.refLogits(s));
      for (int a = 0; a < mdp.vocab(); a++) {
        if (objective.equals("naive")) {
          t[s][a] = mdp.qStar(s, a) / mdp.beta();
        } else if (objective.equals("shifted-sampling")) {
          t[s][a] -= lseRef;
        }
      }
    }
    return t;
  }

  static double[][] randomTable(TreeMdp mdp, long seed, double scale) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] t = mdp.referenceLogitsTable();
    for (double[] row : t) {
      for (int a = 0; a < row.length; a++) {
        row[a] += scale * (rnd.nextDouble() - 0.5);
      }
    }
    return t;
  }

  static float[] host(NDArray x) {
    return x.toFloatArray();
  }
}
