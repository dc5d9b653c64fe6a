package io.shiq.actor.env;

import io.shiq.avro.Role;
import io.shiq.learner.synthetic.TreeMdp;
import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;

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

  /** 4 tokens, depth 3, beta 0.5, final-only rewards: the synthetic study's default setting. */
  public static SyntheticEnvironment defaults() {
    return new SyntheticEnvironment(new TreeMdp(4, 3, 0.5, 1.0, TreeMdp.RewardKind.FINAL, 2026));
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
