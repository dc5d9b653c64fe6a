package io.shiq.ab.ope;

import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import java.util.List;

/**
 * A logged {@link Trajectory} flattened the way the learner flattens it (learner's TrajectoryConverter, which this
 * module cannot depend on): the turns' token ids concatenated, and per action token, in order, its position in that
 * sequence, the recorded behaviour log-prob ln mu(a_t|s_t) and the reward r_t sitting on it (a turn's reward on the
 * turn's last action token, or the last action token before it when the turn has none; the episode reward on the
 * episode's last action token).
 *
 * @param tokens            every token of the episode, prompt and observations included
 * @param actionPositions   index into {@code tokens} of each action token, increasing; all >= 1 (an action needs a
 *                          state before it)
 * @param behaviourLogProbs ln mu of each action token
 * @param rewards           reward on each action token
 * @param temperature       the recorded sampling temperature (metadata {@value #TEMPERATURE}, default 1), > 0
 * @param exactBehaviour    false when the metadata says sampling was truncated (top-p < 1 or top-k > 0): then mu is
 *                          not a tempered softmax and the ratio against an untruncated target is not the true one
 */
public record LoggedEpisode(String trajectoryId, int[] tokens, int[] actionPositions, double[] behaviourLogProbs,
                            double[] rewards, double temperature, boolean exactBehaviour) {

  /** Metadata keys actors write (ActorLoop, ExperimentActorLoop). */
  public static final String TEMPERATURE = "sampling.temperature";
  public static final String TOP_P = "sampling.top_p";
  public static final String TOP_K = "sampling.top_k";

  /** The return: the sum of the rewards on action tokens. */
  public double episodeReturn() {
    double sum = 0;
    for (double r : rewards) {
      sum += r;
    }
    return sum;
  }

  /** What reading a trajectory gives: an episode, or the reason it is skipped. */
  public sealed interface Reading permits Read, Skip {}

  public record Read(LoggedEpisode episode) implements Reading {}

  public record Skip(Skipped skipped) implements Reading {}

  /**
   * Flattens {@code t} for a target with {@code vocabSize} ids and a context of {@code maxLength} tokens.
   *
   * @param tokenizerId the vocabulary the target reads, or null to accept any {@code Trajectory.tokenizerId}
   */
  public static Reading read(Trajectory t, String tokenizerId, int vocabSize, int maxLength) {
    String id = t.getTrajectoryId();
    if (tokenizerId != null && !tokenizerId.equals(t.getTokenizerId())) {
      return skip(id, SkipReason.TOKENIZER_MISMATCH, "tokenizer " + t.getTokenizerId() + ", target reads "
          + tokenizerId);
    }
    List<Turn> turns = t.getTurns();
    int n = 0;
    int actions = 0;
    for (int k = 0; k < turns.size(); k++) {
      Turn turn = turns.get(k);
      int size = turn.getTokenIds().size();
      if (turn.getActionMask().size() != size) {
        return skip(id, SkipReason.MALFORMED, "turn " + k + ": " + size + " token ids but "
            + turn.getActionMask().size() + " action-mask entries");
      }
      int turnActions = 0;
      for (Boolean a : turn.getActionMask()) {
        turnActions += a ? 1 : 0;
      }
      if (turnActions > 0 && turn.getBehaviourLogProbs().isEmpty()) {
        return skip(id, SkipReason.NO_BEHAVIOUR_LOG_PROBS, "turn " + k + " has " + turnActions
            + " action tokens but no behaviour log-probs (origin " + t.getOrigin() + ")");
      }
      if (!turn.getBehaviourLogProbs().isEmpty() && turn.getBehaviourLogProbs().size() != size) {
        return skip(id, SkipReason.MALFORMED, "turn " + k + ": " + size + " token ids but "
            + turn.getBehaviourLogProbs().size() + " behaviour log-probs");
      }
      n += size;
      actions += turnActions;
    }
    if (actions == 0) {
      return skip(id, SkipReason.NO_ACTIONS, "no action token");
    }
    double temperature = 1;
    String recorded = t.getMetadata().get(TEMPERATURE);
    if (recorded != null) {
      try {
        temperature = Double.parseDouble(recorded.trim());
      } catch (NumberFormatException e) {
        return skip(id, SkipReason.MALFORMED, TEMPERATURE + " = '" + recorded + "' is not a number");
      }
      if (temperature == 0) {
        return skip(id, SkipReason.GREEDY_BEHAVIOUR, "sampled at temperature 0");
      }
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        return skip(id, SkipReason.MALFORMED, TEMPERATURE + " = " + recorded);
      }
    }
    if (n > maxLength) {
      return skip(id, SkipReason.TOO_LONG, n + " tokens, longer than the context of " + maxLength);
    }
    int[] tokens = new int[n];
    int[] positions = new int[actions];
    double[] lnMu = new double[actions];
    double[] rewards = new double[actions];
    int at = 0;
    int a = 0;
    for (int k = 0; k < turns.size(); k++) {
      Turn turn = turns.get(k);
      List<Integer> ids = turn.getTokenIds();
      List<Boolean> mask = turn.getActionMask();
      List<Float> lp = turn.getBehaviourLogProbs();
      for (int i = 0; i < ids.size(); i++, at++) {
        int token = ids.get(i);
        if (token < 0 || token >= vocabSize) {
          return skip(id, SkipReason.TOKEN_OUT_OF_VOCABULARY, "turn " + k + ", token " + i + ": id " + token
              + " outside the target's vocabulary of " + vocabSize + " (tokenizer " + t.getTokenizerId() + ")");
        }
        tokens[at] = token;
        if (mask.get(i)) {
          if (at == 0) {
            return skip(id, SkipReason.MALFORMED, "the first token is an action: it has no state to score it in");
          }
          double mu = lp.get(i);
          if (!(mu <= 0)) {
            return skip(id, SkipReason.MALFORMED, "turn " + k + ", token " + i + ": behaviour log-prob " + mu);
          }
          positions[a] = at;
          lnMu[a] = mu;
          a++;
        }
      }
      if (turn.getReward() != null && turn.getReward() != 0) {
        if (a == 0) {
          return skip(id, SkipReason.MALFORMED, "turn " + k + ": reward " + turn.getReward()
              + " before any action token");
        }
        rewards[a - 1] += turn.getReward();
      }
    }
    if (t.getReward() != null) {
      rewards[actions - 1] += t.getReward();
    }
    boolean exact = number(t.getMetadata().get(TOP_P), 1) >= 1 && number(t.getMetadata().get(TOP_K), 0) <= 0;
    return new Read(new LoggedEpisode(id, tokens, positions, lnMu, rewards, temperature, exact));
  }

  private static Reading skip(String id, SkipReason reason, String detail) {
    return new Skip(new Skipped(id, reason, detail));
  }

  private static double number(String s, double absent) {
    if (s == null) {
      return absent;
    }
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return absent;
    }
  }
}
