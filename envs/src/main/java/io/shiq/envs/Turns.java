package io.shiq.envs;

import io.shiq.avro.Role;
import io.shiq.avro.Turn;
import java.util.ArrayList;
import java.util.List;

/** The two kinds of trajectory turns: what the environment showed (never actions) and what the policy chose. */
public final class Turns {
  private Turns() {}

  /** A non-policy turn: its tokens are never actions. */
  public static Turn observation(Environment.Observation o) {
    List<Integer> ids = new ArrayList<>(o.tokens().length);
    List<Boolean> mask = new ArrayList<>(o.tokens().length);
    for (int t : o.tokens()) {
      ids.add(t);
      mask.add(false);
    }
    return Turn.newBuilder().setRole(o.role()).setTokenIds(ids).setActionMask(mask).setBehaviourLogProbs(List.of())
        .setText(o.text()).build();
  }

  /**
   * A policy turn: every token an action.
   *
   * @param behaviourLogProbs ln mu per token, or null when unknown (imported sessions)
   * @param version           the policy version that wrote it, or null (imports)
   */
  public static Turn action(int[] tokens, float[] behaviourLogProbs, Double reward, Long version, String text) {
    List<Integer> ids = new ArrayList<>(tokens.length);
    List<Boolean> mask = new ArrayList<>(tokens.length);
    List<Float> logProbs = new ArrayList<>(behaviourLogProbs == null ? 0 : tokens.length);
    for (int t = 0; t < tokens.length; t++) {
      ids.add(tokens[t]);
      mask.add(true);
      if (behaviourLogProbs != null) {
        logProbs.add(behaviourLogProbs[t]);
      }
    }
    return Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(ids).setActionMask(mask)
        .setBehaviourLogProbs(logProbs).setReward(reward).setPolicyVersion(version).setText(text).build();
  }
}
