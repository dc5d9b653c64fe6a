package io.shiq.envs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A token-tree MDP with a known KL-regularised optimum: a vocabulary of K action tokens, episodes of D actions
 * after a BOS token, deterministic transitions (the state is the prefix), random reference logits with a random
 * per-state offset, and random dense or final-only rewards. The optimum comes from backward induction:
 * <pre>
 *   q*(s,a) = r(s,a) + gamma v*(s a),   v*(s) = beta ln sum_a pi_ref(a|s) exp(q*(s,a) / beta),   v*(terminal) = 0
 *   pi*(a|s) = pi_ref(a|s) exp((q*(s,a) - v*(s)) / beta),   logits* = q* / beta + refLogits
 * </pre>
 * States are numbered level by level (root 0, then its K children, ...); terminal states share one extra index.
 */
public final class TreeMdp {
  public enum RewardKind { DENSE, FINAL }

  private final RewardKind kind;
  private final int vocab;
  private final int depth;
  private final double beta;
  private final double gamma;
  private final int states;
  private final double[][] refLogits;
  private final double[][] rewards;
  private final double[][] qStar;
  private final double[] vStar;

  public TreeMdp(int vocab, int depth, double beta, double gamma, RewardKind kind, long seed) {
    if (vocab < 2 || depth < 1) {
      throw new IllegalArgumentException("need vocab >= 2 and depth >= 1");
    }
    this.kind = kind;
    this.vocab = vocab;
    this.depth = depth;
    this.beta = beta;
    this.gamma = gamma;
    int s = 0;
    int level = 1;
    for (int d = 0; d < depth; d++) {
      s += level;
      level *= vocab;
    }
    this.states = s;
    SplittableRandom rnd = new SplittableRandom(seed);
    refLogits = new double[states][vocab];
    rewards = new double[states][vocab];
    for (int st = 0; st < states; st++) {
      double offset = 5 * (rnd.nextDouble() - 0.5); // LLM logits carry an arbitrary per-state offset
      for (int a = 0; a < vocab; a++) {
        refLogits[st][a] = offset + gaussian(rnd);
        boolean last = depthOf(st) == depth - 1;
        rewards[st][a] = kind == RewardKind.DENSE || last ? rnd.nextDouble() : 0;
      }
    }
    qStar = new double[states][vocab];
    vStar = new double[states];
    for (int st = states - 1; st >= 0; st--) {
      double[] lp = logSoftmax(refLogits[st]);
      double acc = 0;
      for (int a = 0; a < vocab; a++) {
        int child = child(st, a);
        qStar[st][a] = rewards[st][a] + gamma * (child < 0 ? 0 : vStar[child]);
        acc += Math.exp(lp[a] + qStar[st][a] / beta);
      }
      vStar[st] = beta * Math.log(acc);
    }
  }

  public RewardKind kind() {
    return kind;
  }

  public int vocab() {
    return vocab;
  }

  public int depth() {
    return depth;
  }

  public double beta() {
    return beta;
  }

  public double gamma() {
    return gamma;
  }

  /** Non-terminal states. */
  public int states() {
    return states;
  }

  /** Index used for terminal states (one row after the non-terminal ones). */
  public int terminalIndex() {
    return states;
  }

  public int depthOf(int state) {
    int d = 0;
    int start = 0;
    int level = 1;
    while (state >= start + level) {
      start += level;
      level *= vocab;
      d++;
    }
    return d;
  }

  /** The state after taking {@code action} in {@code state}, or -1 when that ends the episode. */
  public int child(int state, int action) {
    int d = depthOf(state);
    if (d == depth - 1) {
      return -1;
    }
    int start = 0;
    int level = 1;
    for (int i = 0; i < d; i++) {
      start += level;
      level *= vocab;
    }
    int within = state - start;
    return start + level + within * vocab + action;
  }

  public double[] refLogits(int state) {
    return refLogits[state].clone();
  }

  public double reward(int state, int action) {
    return rewards[state][action];
  }

  public double qStar(int state, int action) {
    return qStar[state][action];
  }

  public double vStar(int state) {
    return vStar[state];
  }

  /** logits* = q* / beta + refLogits. */
  public double[] optimalLogits(int state) {
    double[] out = new double[vocab];
    for (int a = 0; a < vocab; a++) {
      out[a] = qStar[state][a] / beta + refLogits[state][a];
    }
    return out;
  }

  /** pi*(.|s) = pi_ref exp((q* - v*) / beta). */
  public double[] optimalPolicy(int state) {
    double[] lp = logSoftmax(refLogits[state]);
    double[] out = new double[vocab];
    for (int a = 0; a < vocab; a++) {
      out[a] = Math.exp(lp[a] + (qStar[state][a] - vStar[state]) / beta);
    }
    return out;
  }

  /** Every episode, as action sequences, in lexicographic order. */
  public List<int[]> allEpisodes() {
    List<int[]> out = new ArrayList<>();
    int total = (int) Math.pow(vocab, depth);
    for (int i = 0; i < total; i++) {
      int[] actions = new int[depth];
      int x = i;
      for (int d = depth - 1; d >= 0; d--) {
        actions[d] = x % vocab;
        x /= vocab;
      }
      out.add(actions);
    }
    return out;
  }

  /** Samples one episode from a policy given as logits per state (e.g. the reference). */
  public int[] sample(double[][] logitsPerState, SplittableRandom rnd) {
    int[] actions = new int[depth];
    int state = 0;
    for (int d = 0; d < depth; d++) {
      double[] p = softmax(logitsPerState[state]);
      double u = rnd.nextDouble();
      int a = 0;
      double cdf = p[0];
      while (u > cdf && a < vocab - 1) {
        a++;
        cdf += p[a];
      }
      actions[d] = a;
      state = child(state, a);
    }
    return actions;
  }

  public double[][] referenceLogitsTable() {
    double[][] out = new double[states][];
    for (int s = 0; s < states; s++) {
      out[s] = refLogits[s].clone();
    }
    return out;
  }

  /** The state at each position of an episode: position t is the state after t actions; the last is terminal. */
  public int[] statePath(int[] actions) {
    int[] path = new int[actions.length + 1];
    int state = 0;
    for (int t = 0; t < actions.length; t++) {
      path[t] = state;
      int next = child(state, actions[t]);
      state = next < 0 ? terminalIndex() : next;
    }
    path[actions.length] = terminalIndex();
    return path;
  }

  /** Total (discounted over actions) reward of an episode. */
  public double episodeReturn(int[] actions) {
    double total = 0;
    double discount = 1;
    int state = 0;
    for (int a : actions) {
      total += discount * rewards[state][a];
      discount *= gamma;
      int next = child(state, a);
      state = next < 0 ? terminalIndex() : next;
    }
    return total;
  }

  static double[] logSoftmax(double[] x) {
    double lse = logSumExp(x);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - lse;
    }
    return out;
  }

  public static double[] softmax(double[] x) {
    double[] lp = logSoftmax(x);
    for (int i = 0; i < lp.length; i++) {
      lp[i] = Math.exp(lp[i]);
    }
    return lp;
  }

  public static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
