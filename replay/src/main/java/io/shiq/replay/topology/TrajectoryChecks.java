package io.shiq.replay.topology;

import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;

/** Why a trajectory cannot be trained on (it goes to the dead-letter topic with this reason), or null. */
final class TrajectoryChecks {
  private TrajectoryChecks() {}

  static String problem(Trajectory t) {
    if (t.getTurns().isEmpty()) {
      return "no turns";
    }
    int actions = 0;
    for (int i = 0; i < t.getTurns().size(); i++) {
      Turn turn = t.getTurns().get(i);
      int n = turn.getTokenIds().size();
      if (turn.getActionMask().size() != n) {
        return "turn " + i + ": " + n + " token ids but " + turn.getActionMask().size() + " action-mask entries "
            + "(length mismatch of turns[" + i + "].actionMask)";
      }
      if (!turn.getBehaviourLogProbs().isEmpty() && turn.getBehaviourLogProbs().size() != n) {
        return "turn " + i + ": " + n + " token ids but " + turn.getBehaviourLogProbs().size()
            + " behaviour log-probs (length mismatch of turns[" + i + "].behaviourLogProbs)";
      }
      for (boolean a : turn.getActionMask()) {
        actions += a ? 1 : 0;
      }
      String bad = badReward(turn.getReward());
      if (bad != null) {
        return "turn " + i + ": reward " + bad + " (turns[" + i + "].reward)";
      }
    }
    if (actions == 0) {
      return "no action token (every turns[].actionMask entry is false)";
    }
    String bad = badReward(t.getReward());
    return bad == null ? null : "episode reward " + bad + " (reward)";
  }

  private static String badReward(Double r) {
    if (r == null) {
      return null;
    }
    if (r.isNaN() || r.isInfinite()) {
      return "is " + r;
    }
    return r < 0 ? "is negative (" + r + ")" : null;
  }

  static int tokens(Trajectory t) {
    int n = 0;
    for (Turn turn : t.getTurns()) {
      n += turn.getTokenIds().size();
    }
    return n;
  }
}
