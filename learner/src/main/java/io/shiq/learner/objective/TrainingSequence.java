package io.shiq.learner.objective;

/**
 * One trajectory as the learner sees it: the token ids of the whole episode (prompt, every turn, tool results), which
 * of them the policy chose, and the reward received after each token (0 where none; a turn's reward sits on its last
 * action token, an episode reward on the last action token).
 *
 * @param id          trajectory id, named in every error
 * @param tokens      token ids, length n
 * @param actionMask  length n: true exactly on action tokens (never the first token: it has no state before it)
 * @param rewards     length n: reward after token i (only action tokens may carry one)
 * @param truncated   the episode was cut without reaching a terminal state
 * @param promptLength tokens before the first action (the DRO value head reads the state there)
 * @param weight      importance weight, > 0 and finite (1 by default): the trajectory counts in a loss as if it were
 *                    in the batch {@code weight} times (the prioritized sampler's importance-sampling correction)
 */
public record TrainingSequence(String id, int[] tokens, boolean[] actionMask, float[] rewards, boolean truncated,
                               int promptLength, double weight) {

  /** A sequence of weight 1. */
  public TrainingSequence(String id, int[] tokens, boolean[] actionMask, float[] rewards, boolean truncated,
                          int promptLength) {
    this(id, tokens, actionMask, rewards, truncated, promptLength, 1.0);
  }

  public TrainingSequence {
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("trajectory " + id + ": importance weight must be > 0 and finite, got "
          + weight);
    }
    if (tokens.length != actionMask.length || tokens.length != rewards.length) {
      throw new IllegalArgumentException("trajectory " + id + ": " + tokens.length + " token ids but "
          + actionMask.length + " mask entries and " + rewards.length + " rewards");
    }
    if (tokens.length < 2) {
      throw new IllegalArgumentException("trajectory " + id + ": needs at least 2 tokens, has " + tokens.length);
    }
    if (actionMask[0]) {
      throw new IllegalArgumentException("trajectory " + id + ": token 0 cannot be an action (no state before it)");
    }
    int actions = 0;
    int first = -1;
    for (int i = 0; i < tokens.length; i++) {
      if (!Float.isFinite(rewards[i])) {
        throw new IllegalArgumentException("trajectory " + id + ": reward at token " + i + " is " + rewards[i]);
      }
      if (actionMask[i]) {
        actions++;
        if (first < 0) {
          first = i;
        }
      } else if (rewards[i] != 0f) {
        throw new IllegalArgumentException("trajectory " + id + ": reward " + rewards[i] + " on token " + i
            + ", which is not an action");
      }
    }
    if (actions == 0) {
      throw new IllegalArgumentException("trajectory " + id + ": the action mask has no action token");
    }
    promptLength = first;
  }

  /** A sequence with one reward on its last action token. */
  public static TrainingSequence withFinalReward(String id, int[] tokens, boolean[] actionMask, double reward,
                                                 boolean truncated) {
    float[] rewards = new float[tokens.length];
    for (int i = tokens.length - 1; i >= 0; i--) {
      if (actionMask[i]) {
        rewards[i] = (float) reward;
        break;
      }
    }
    return new TrainingSequence(id, tokens, actionMask, rewards, truncated, 0);
  }

  /** The same sequence with importance weight {@code w}. */
  public TrainingSequence withWeight(double w) {
    return new TrainingSequence(id, tokens, actionMask, rewards, truncated, promptLength, w);
  }

  public int length() {
    return tokens.length;
  }

  public int actionCount() {
    int n = 0;
    for (boolean a : actionMask) {
      n += a ? 1 : 0;
    }
    return n;
  }

  /**
   * The positions (states, in {@link TokenBatch}'s position form: position t scores token t + 1) where an objective
   * reads the policy and the reference, ascending: the state before every action token, and the state after the last
   * one (the bootstrap state of a truncated episode). A few percent of an agent episode's positions.
   */
  public int[] lossPositions() {
    int[] out = new int[actionCount() + 1];
    int n = 0;
    int last = 0;
    for (int i = 1; i < tokens.length; i++) {
      if (actionMask[i]) {
        out[n++] = i - 1;
        last = i;
      }
    }
    out[n] = last; // the state after the last action token (never past the end: that token is in the sequence)
    return out;
  }

  /** Undiscounted sum of rewards: R(x, y) of the sequence-level baselines. */
  public double totalReward() {
    double sum = 0;
    for (float r : rewards) {
      sum += r;
    }
    return sum;
  }
}
