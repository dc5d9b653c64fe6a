package io.shiq.envs.bfcl;

import io.shiq.avro.Turn;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.bfcl.decode.CallStyle;
import io.shiq.bfcl.decode.ToolCallDecoder;
import io.shiq.envs.Environment;
import io.shiq.envs.Turns;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a logged BFCL session as a trajectory: the logged model outputs replay, step by step, through the same
 * episode the online environment plays ({@link BfclEpisode}), so the tool results are what the Java backends return,
 * the rewards are the checker's, and the prompt tokens are the template's. The one thing that cannot be exact is
 * the model's own tokens: a log holds text, so each step is tokenised here (with the end-of-turn token appended, as
 * the model stopped there) and carries no behaviour log-probs.
 */
public final class BfclSessionReplay {
  private BfclSessionReplay() {}

  /** A session that cannot be rebuilt: the log disagrees with how BFCL's loop would have gone. */
  public static final class RebuildException extends Exception {
    private static final long serialVersionUID = 1L;

    public RebuildException(String message) {
      super(message);
    }
  }

  /** The rebuilt session: its turns and the episode that played it (verdict, result). */
  public record Rebuilt(List<Turn> turns, BfclEpisode episode) {}

  /**
   * @param steps per turn, per step, the model's raw output text
   */
  public static Rebuilt rebuild(BfclEnvironment env, BfclTask task, List<List<String>> steps)
      throws RebuildException {
    BfclEpisode episode = env.start(task);
    int endOfTurn = env.endOfTurnToken();
    List<Turn> turns = new ArrayList<>();
    for (Environment.Observation o : episode.opening()) {
      turns.add(Turns.observation(o));
    }
    if (steps.size() > task.questions().size()) {
      throw new RebuildException("the log has " + steps.size() + " turns, the record " + task.questions().size());
    }
    for (int t = 0; t < steps.size(); t++) {
      List<String> turn = steps.get(t);
      if (turn.isEmpty()) {
        throw new RebuildException("turn " + t + " has no model step (BFCL queries the model at least once a turn)");
      }
      for (int s = 0; s < turn.size(); s++) {
        if (episode.done()) {
          throw new RebuildException("turn " + t + " step " + s + ": the log goes on after the entry ended");
        }
        String text = turn.get(s);
        int[] body = env.tokenizer().encode(text, false, false);
        int[] tokens = java.util.Arrays.copyOf(body, body.length + 1);
        tokens[body.length] = endOfTurn;
        Environment.Step step = episode.act(tokens, text);
        turns.add(Turns.action(tokens, null, step.reward(), null, text));
        for (Environment.Observation o : step.next()) {
          turns.add(Turns.observation(o));
        }
        boolean turnEnded = episode.done() || episode.turnStatus().size() > t;
        if (turnEnded && s < turn.size() - 1 && !episode.done()) {
          throw new RebuildException("turn " + t + " step " + s + " decodes to no call, which ends BFCL's turn, but "
              + "the log has " + (turn.size() - 1 - s) + " more step(s) in it");
        }
        if (!turnEnded && s == turn.size() - 1) {
          throw new RebuildException("turn " + t + ": the last logged step made calls, so BFCL would have queried "
              + "the model again (was the log cut?)");
        }
      }
    }
    return new Rebuilt(turns, episode);
  }

  /** The answer an expert gives once a turn's calls are made (a step without calls ends BFCL's turn). */
  public static final String EXPERT_CLOSING = "Done.";
  /** The expert's answer to a turn with an empty ground truth (a missing parameter or function): no call. */
  public static final String EXPERT_DECLINE = "I cannot do that with the functions and details I have. "
      + "Please tell me what is missing.";

  /**
   * The ground truth as a logged session, in {@code style}: per turn, one step with all its calls, then a closing
   * step without calls; a turn with an empty ground truth is one step that declines.
   */
  public static List<List<String>> expert(BfclTask task, CallStyle style) {
    List<List<String>> out = new ArrayList<>();
    for (List<String> calls : task.record().groundTruth()) {
      if (calls.isEmpty()) {
        out.add(List.of(EXPERT_DECLINE));
      } else {
        out.add(List.of(ToolCallDecoder.render(calls, style), EXPERT_CLOSING));
      }
    }
    return out;
  }
}
