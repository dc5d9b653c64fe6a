package io.shiq.ab.evaluate;

import io.shiq.ab.monitor.Observation;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.Guardrail;
import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an experiment measures on one trajectory. Actors serving an experiment write its id under
 * {@link #EXPERIMENT} in the trajectory's metadata and the arm's name in {@code Trajectory.arm}; guardrail metrics
 * are either built in (episode_tokens, action_tokens, tool_errors, reward, success, kl_to_control) or read from a
 * numeric metadata key of the same name.
 */
public final class EpisodeMeasures {
  /** Metadata key: the experiment a trajectory was served for. */
  public static final String EXPERIMENT = "ab.experiment";
  /** Metadata key: the policy line that served the arm. */
  public static final String LINE = "ab.line";
  /**
   * Metadata key: per-token KL estimate of the serving policy to the control's, mean over action tokens of
   * ln mu(a) - ln pi_control(a) (the k1 estimator), written by A/B actors on treatment episodes.
   */
  public static final String KL_TO_CONTROL = "ab.kl_to_control";

  private EpisodeMeasures() {}

  /**
   * The observation {@code t} makes for {@code experiment}; empty when the trajectory belongs to another
   * experiment or environment, or to no arm of it.
   */
  public static Optional<Observation> of(Experiment experiment, Trajectory t) {
    String id = t.getMetadata().get(EXPERIMENT);
    if (id == null || !id.equals(experiment.getExperimentId())) {
      return Optional.empty();
    }
    if (experiment.getEnvId() != null && !experiment.getEnvId().equals(t.getEnvId())) {
      return Optional.empty();
    }
    boolean known = false;
    for (ExperimentArm a : experiment.getArms()) {
      known |= a.getName().equals(t.getArm());
    }
    if (!known) {
      return Optional.empty();
    }
    double reward = episodeReturn(t);
    boolean success = success(t, reward);
    Double covariate = experiment.getCupedCovariate() == null ? null
        : number(t.getMetadata().get(experiment.getCupedCovariate()));
    Map<String, Double> guardrails = new HashMap<>();
    for (Guardrail g : experiment.getGuardrails()) {
      Double v = metric(g.getMetric(), t, reward, success);
      if (v != null) {
        guardrails.put(g.getMetric(), v);
      }
    }
    return Optional.of(new Observation(t.getArm(), reward, success, covariate, guardrails,
        t.getCreatedAt().toEpochMilli()));
  }

  /** The episode's return: every turn reward plus the episode reward. */
  public static double episodeReturn(Trajectory t) {
    double sum = t.getReward() == null ? 0 : t.getReward();
    for (Turn turn : t.getTurns()) {
      if (turn.getReward() != null) {
        sum += turn.getReward();
      }
    }
    return sum;
  }

  /**
   * Success: the metadata key {@code success} when the environment writes one, BFCL's verdict
   * ({@code bfcl.valid}) for tool sessions, otherwise a positive return.
   */
  public static boolean success(Trajectory t, double reward) {
    String s = t.getMetadata().get("success");
    if (s == null) {
      s = t.getMetadata().get("bfcl.valid");
    }
    if (s != null) {
      return s.equalsIgnoreCase("true") || s.equals("1");
    }
    return reward > 0;
  }

  static Double metric(String name, Trajectory t, double reward, boolean success) {
    switch (name) {
      case "reward":
        return reward;
      case "success":
        return success ? 1.0 : 0.0;
      case "episode_tokens": {
        long n = 0;
        for (Turn turn : t.getTurns()) {
          n += turn.getTokenIds().size();
        }
        return (double) n;
      }
      case "action_tokens": {
        long n = 0;
        for (Turn turn : t.getTurns()) {
          for (Boolean b : turn.getActionMask()) {
            n += b ? 1 : 0;
          }
        }
        return (double) n;
      }
      case "tool_errors": {
        long n = 0;
        for (Turn turn : t.getTurns()) {
          n += turn.getToolResult() != null && turn.getToolResult().getIsError() ? 1 : 0;
        }
        return (double) n;
      }
      case "kl_to_control":
        return number(t.getMetadata().get(KL_TO_CONTROL));
      default:
        return number(t.getMetadata().get(name));
    }
  }

  private static Double number(String s) {
    if (s == null) {
      return null;
    }
    try {
      double v = Double.parseDouble(s.trim());
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
