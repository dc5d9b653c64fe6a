package io.shiq.learner.service;

import io.shiq.avro.ReplayItem;
import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import io.shiq.learner.objective.TrainingSequence;
import java.util.List;

/**
 * Turns a logged {@link Trajectory} into the learner's {@link TrainingSequence}: the turns' token ids and action masks
 * are concatenated; a turn's reward goes on that turn's last action token and the episode reward on the episode's last
 * action token (where the schema says they sit). Token ids are taken as they are: nothing is re-tokenised. A replay
 * item's importance weight (the prioritized sampler's correction, 1 for uniform sampling) becomes the sequence's
 * weight.
 */
public final class TrajectoryConverter {
  private final int vocabSize;
  private final int maxLength;

  /**
   * @param vocabSize token ids must be below this (the policy's vocabulary)
   * @param maxLength longest sequence the policy takes (its context length)
   */
  public TrajectoryConverter(int vocabSize, int maxLength) {
    this.vocabSize = vocabSize;
    this.maxLength = maxLength;
  }

  /** The training sequence of a sampled item, weighted by the item's importance weight. */
  public TrainingSequence convert(ReplayItem item) {
    return convert(item.getTrajectory()).withWeight(item.getImportanceWeight());
  }

  /** The training sequence of {@code t}; an {@link IllegalArgumentException} names the trajectory and what is wrong. */
  public TrainingSequence convert(Trajectory t) {
    String id = t.getTrajectoryId();
    int n = 0;
    for (Turn turn : t.getTurns()) {
      n += turn.getTokenIds().size();
    }
    if (n > maxLength) {
      throw new IllegalArgumentException("trajectory " + id + ": " + n + " tokens, longer than the policy's context of "
          + maxLength);
    }
    int[] tokens = new int[n];
    boolean[] mask = new boolean[n];
    float[] rewards = new float[n];
    int at = 0;
    int lastAction = -1;
    List<Turn> turns = t.getTurns();
    for (int k = 0; k < turns.size(); k++) {
      Turn turn = turns.get(k);
      List<Integer> ids = turn.getTokenIds();
      List<Boolean> actions = turn.getActionMask();
      if (actions.size() != ids.size()) {
        throw new IllegalArgumentException("trajectory " + id + ", turn " + k + ": " + ids.size() + " token ids but "
            + actions.size() + " action-mask entries");
      }
      int turnLastAction = -1;
      for (int i = 0; i < ids.size(); i++, at++) {
        int token = ids.get(i);
        if (token < 0 || token >= vocabSize) {
          throw new IllegalArgumentException("trajectory " + id + ", turn " + k + ", token " + i + ": id " + token
              + " is outside the policy's vocabulary of " + vocabSize + " (tokenizer " + t.getTokenizerId() + ")");
        }
        tokens[at] = token;
        mask[at] = actions.get(i);
        if (mask[at]) {
          turnLastAction = at;
          lastAction = at;
        }
      }
      if (turn.getReward() != null && turn.getReward() != 0) {
        int on = turnLastAction >= 0 ? turnLastAction : lastAction;
        if (on < 0) {
          throw new IllegalArgumentException("trajectory " + id + ", turn " + k + ": reward " + turn.getReward()
              + " before any action token");
        }
        rewards[on] += turn.getReward().floatValue();
      }
    }
    if (t.getReward() != null && t.getReward() != 0) {
      if (lastAction < 0) {
        throw new IllegalArgumentException("trajectory " + id + ": episode reward but no action token");
      }
      rewards[lastAction] += t.getReward().floatValue();
    }
    return new TrainingSequence(id, tokens, mask, rewards, t.getTruncated(), 0);
  }
}
