package io.shiq.envs;

import io.shiq.avro.Role;
import io.shiq.envs.TreeMdp;
import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The token-tree MDP of the synthetic study as an environment: the episode opens with BOS (token id K), the policy
 * answers with D tokens, each an action in 0..K-1, and the reward is the episode's return in the MDP (0 when the
 * answer holds a token outside the action vocabulary or is shorter than D). Use a policy whose vocabulary is K + 1
 * ({@link #tokenizer()} names its tokens).
 */
public final class SyntheticEnvironment implements Environment {
  private final TreeMdp mdp;

  public SyntheticEnvironment(TreeMdp mdp) {
    this.mdp = mdp;
  }

  /** The learner's default beta on this environment; the tree's own optimum uses the same. */
  public static final double DEFAULT_BETA = 0.05;

  /**
   * 4 tokens, depth 3, final-only rewards (the synthetic study's tree); its beta is the learner's default here, so
   * that the tree's own q* / pi* describe what the demo trains towards (the rewards do not depend on beta).
   */
  public static SyntheticEnvironment defaults() {
    return new SyntheticEnvironment(new TreeMdp(4, 3, DEFAULT_BETA, 1.0, TreeMdp.RewardKind.FINAL, 2026));
  }

  public TreeMdp mdp() {
    return mdp;
  }

  @Override
  public String id() {
    return "synthetic";
  }

  @Override
  public Episode start(long seed) {
    int bos = mdp.vocab();
    return new Episode() {
      @Override
      public String taskId() {
        return "tree-k" + mdp.vocab() + "-d" + mdp.depth();
      }

      @Override
      public List<Observation> opening() {
        return List.of(new Observation(Role.USER, new int[] {bos}, "<s>"));
      }

      @Override
      public Step act(int[] tokens, String text) {
        if (tokens.length < mdp.depth()) {
          return new Step(List.of(), 0.0, true);
        }
        int[] actions = new int[mdp.depth()];
        for (int i = 0; i < actions.length; i++) {
          if (tokens[i] < 0 || tokens[i] >= mdp.vocab()) {
            return new Step(List.of(), 0.0, true);
          }
          actions[i] = tokens[i];
        }
        return new Step(List.of(), mdp.episodeReturn(actions), true);
      }
    };
  }

  /**
   * Expected reward of the optimum of the regularised objective the learner optimises, max_pi E_pi[R] - beta
   * KL(pi || pi_ref), for a policy over all tokens of {@code referenceLogProbs} (an action outside 0..K-1, e.g. BOS,
   * ends the episode with reward 0, as {@link #start} scores it). Backward induction over action prefixes:
   * <pre>
   *   q(s, a) = R(s a) at depth D-1, else v(s a);   v(s) = beta ln sum_a pi_ref(a|s) exp(q(s, a) / beta)
   *   pi*(a|s) = pi_ref(a|s) exp((q(s, a) - v(s)) / beta)
   * </pre>
   * then the reward expected under pi*. This is the figure a learner that has converged would reach; with a small beta
   * it is close to the best leaf's reward.
   *
   * @param referenceLogProbs ln pi_ref(.|context) of the reference policy, for BOS followed by an action prefix
   * @param beta              KL-regularisation strength of the learner's objective
   */
  @Override
  public OptionalDouble regularisedOptimumReward(Function<int[], double[]> referenceLogProbs, double beta) {
    if (!(beta > 0)) {
      throw new IllegalArgumentException("beta must be > 0, got " + beta);
    }
    int bos = mdp.vocab();
    Function<int[], double[]> afterBos = prefix -> {
      int[] context = new int[prefix.length + 1];
      context[0] = bos;
      System.arraycopy(prefix, 0, context, 1, prefix.length);
      return referenceLogProbs.apply(context);
    };
    if (afterBos.apply(new int[0]).length < mdp.vocab()) {
      return OptionalDouble.empty(); // not a policy over the tree's tokens
    }
    return OptionalDouble.of(expectedOptimalReward(new int[0], afterBos, beta)[1]);
  }

  /** {v(s), E_{pi*}[R | s]} of the state after {@code prefix}. */
  private double[] expectedOptimalReward(int[] prefix, Function<int[], double[]> referenceLogProbs, double beta) {
    double[] lp = referenceLogProbs.apply(prefix);
    double[] q = new double[lp.length];
    double[] reward = new double[lp.length];
    for (int a = 0; a < lp.length; a++) {
      if (a >= mdp.vocab()) {
        continue; // invalid action: reward 0 whatever follows, so q = v = 0 below it
      }
      int[] next = java.util.Arrays.copyOf(prefix, prefix.length + 1);
      next[prefix.length] = a;
      if (next.length == mdp.depth()) {
        q[a] = mdp.episodeReturn(next);
        reward[a] = q[a];
      } else {
        double[] child = expectedOptimalReward(next, referenceLogProbs, beta);
        q[a] = child[0];
        reward[a] = child[1];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int a = 0; a < lp.length; a++) {
      max = Math.max(max, lp[a] + q[a] / beta);
    }
    double sum = 0;
    for (int a = 0; a < lp.length; a++) {
      sum += Math.exp(lp[a] + q[a] / beta - max);
    }
    double v = beta * (max + Math.log(sum));
    double expected = 0;
    for (int a = 0; a < lp.length; a++) {
      expected += Math.exp(lp[a] + (q[a] - v) / beta) * reward[a];
    }
    return new double[] {v, expected};
  }

  /** Token i < K is action "a<i>", K is BOS. */
  public Tokenizer tokenizer() {
    int k = mdp.vocab();
    return new Tokenizer() {
      @Override
      public int[] encode(String text, boolean bos, boolean eos) {
        return bos ? new int[] {k} : new int[0];
      }

      @Override
      public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
          if (id < k) {
            sb.append(sb.length() == 0 ? "" : " ").append('a').append(id);
          }
        }
        return sb.toString();
      }

      @Override
      public int vocabSize() {
        return k + 1;
      }

      @Override
      public int bosId() {
        return k;
      }

      @Override
      public List<Integer> eosIds() {
        return List.of();
      }

      @Override
      public String id() {
        return "synthetic:k" + k;
      }
    };
  }
}
