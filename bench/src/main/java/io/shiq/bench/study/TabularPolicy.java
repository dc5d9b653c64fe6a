package io.shiq.bench.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.shiq.learner.objective.TokenBatch;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.envs.TreeMdp;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy whose logits are a free parameter table, one row per state of a {@link TreeMdp} (plus a row for terminal
 * states): the tabular stand-in for an LLM in the specification's tests and the synthetic study.
 */
public final class TabularPolicy {
  private final TreeMdp mdp;
  private final NDArray table; // [states + 1, K]

  public TabularPolicy(TreeMdp mdp, NDManager manager, double[][] initialLogits) {
    this.mdp = mdp;
    float[] data = new float[(mdp.states() + 1) * mdp.vocab()];
    for (int s = 0; s < mdp.states(); s++) {
      for (int a = 0; a < mdp.vocab(); a++) {
        data[s * mdp.vocab() + a] = (float) initialLogits[s][a];
      }
    }
    this.table = manager.create(data, new Shape(mdp.states() + 1, mdp.vocab()));
    this.table.setRequiresGradient(true);
  }

  /** Starts at the reference logits (the usual initialisation: pi_theta = pi_ref). */
  public static TabularPolicy atReference(TreeMdp mdp, NDManager manager) {
    return new TabularPolicy(mdp, manager, mdp.referenceLogitsTable());
  }

  public NDArray parameters() {
    return table;
  }

  /** Logits [B, T, K] for episodes (T = depth + 1 positions: one per state on the path, then terminal). */
  public NDArray logits(List<int[]> episodes) {
    int t = mdp.depth() + 1;
    long[] idx = new long[episodes.size() * t];
    for (int b = 0; b < episodes.size(); b++) {
      int[] path = mdp.statePath(episodes.get(b));
      for (int p = 0; p < t; p++) {
        idx[b * t + p] = path[p];
      }
    }
    NDManager m = table.getManager();
    return table.get(m.create(idx)).reshape(episodes.size(), t, mdp.vocab());
  }

  /** Host copy of the logits of every non-terminal state. */
  public double[][] logitsTable() {
    float[] data = table.toFloatArray();
    double[][] out = new double[mdp.states()][mdp.vocab()];
    for (int s = 0; s < mdp.states(); s++) {
      for (int a = 0; a < mdp.vocab(); a++) {
        out[s][a] = data[s * mdp.vocab() + a];
      }
    }
    return out;
  }

  /** A learner batch of these episodes, with the reference values the objectives need. */
  public static TokenBatch batch(TreeMdp mdp, List<int[]> episodes, NDManager manager, boolean fullReference) {
    int t = mdp.depth() + 1;
    List<TrainingSequence> seqs = new ArrayList<>();
    List<float[]> la = new ArrayList<>();
    List<float[]> lse = new ArrayList<>();
    float[] refLp = fullReference ? new float[episodes.size() * t * mdp.vocab()] : null;
    for (int b = 0; b < episodes.size(); b++) {
      int[] actions = episodes.get(b);
      seqs.add(sequence(mdp, "episode-" + b, actions));
      int[] path = mdp.statePath(actions);
      float[] laRow = new float[t];
      float[] lseRow = new float[t];
      for (int p = 0; p < t; p++) {
        if (path[p] == mdp.terminalIndex()) {
          continue; // terminal: no reference distribution needed (its values are never used)
        }
        double[] ref = mdp.refLogits(path[p]);
        lseRow[p] = (float) TreeMdp.logSumExp(ref);
        if (p < actions.length) {
          laRow[p] = (float) ref[actions[p]];
        }
        if (refLp != null) {
          for (int a = 0; a < mdp.vocab(); a++) {
            refLp[(b * t + p) * mdp.vocab() + a] = (float) (ref[a] - lseRow[p]);
          }
        }
      }
      la.add(laRow);
      lse.add(lseRow);
    }
    NDArray full = refLp == null ? null : manager.create(refLp, new Shape(episodes.size(), t, mdp.vocab()));
    return TokenBatch.of(seqs, la, lse, full);
  }

  /**
   * The episode as a learner sequence: token 0 is BOS (id = vocab, never an action), then the actions, each with
   * its reward.
   */
  static TrainingSequence sequence(TreeMdp mdp, String id, int[] actions) {
    int n = actions.length + 1;
    int[] tokens = new int[n];
    boolean[] mask = new boolean[n];
    float[] r = new float[n];
    tokens[0] = mdp.vocab();
    int state = 0;
    for (int t = 0; t < actions.length; t++) {
      tokens[t + 1] = actions[t];
      mask[t + 1] = true;
      r[t + 1] = (float) mdp.reward(state, actions[t]);
      int next = mdp.child(state, actions[t]);
      state = next < 0 ? mdp.terminalIndex() : next;
    }
    return new TrainingSequence(id, tokens, mask, r, false, 0);
  }

  /** Exact metrics of a logits table against the MDP's optimum, by enumerating every episode. */
  public static Metrics metrics(TreeMdp mdp, double[][] logits) {
    double kl = 0;
    double reward = 0;
    double regularised = 0;
    for (int[] ep : mdp.allEpisodes()) {
      int[] path = mdp.statePath(ep);
      double lpTheta = 0;
      double lpStar = 0;
      double discount = 1;
      double klTerms = 0;
      for (int d = 0; d < ep.length; d++) {
        int s = path[d];
        double[] pTheta = TreeMdp.softmax(logits[s]);
        double[] pStar = mdp.optimalPolicy(s);
        double[] pRef = TreeMdp.softmax(mdp.refLogits(s));
        lpTheta += Math.log(pTheta[ep[d]]);
        lpStar += Math.log(pStar[ep[d]]);
        double stateKl = 0;
        for (int a = 0; a < mdp.vocab(); a++) {
          stateKl += pTheta[a] * Math.log(pTheta[a] / pRef[a]);
        }
        klTerms += discount * (mdp.reward(s, ep[d]) - mdp.beta() * stateKl);
        discount *= mdp.gamma();
      }
      double pStarEp = Math.exp(lpStar);
      double pThetaEp = Math.exp(lpTheta);
      kl += pStarEp * (lpStar - lpTheta);
      reward += pThetaEp * mdp.episodeReturn(ep);
      regularised += pThetaEp * klTerms;
    }
    return new Metrics(kl, reward, regularised);
  }

  /**
   * @param klToOptimal        KL(pi* || pi_theta) over whole episodes
   * @param expectedReward     E_{pi_theta}[discounted return]
   * @param regularisedReturn  E_{pi_theta}[sum_t gamma^t (r_t - beta KL(pi_theta(.|s_t) || pi_ref(.|s_t)))];
   *                           v*(root) at the optimum
   */
  public record Metrics(double klToOptimal, double expectedReward, double regularisedReturn) {}
}
