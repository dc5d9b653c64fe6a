package io.shiq.ab.monitor;

import java.util.Map;

/**
 * One episode's measurements for an experiment, as the evaluator extracts them from a trajectory.
 *
 * @param arm        the experiment arm that served the episode
 * @param reward     the episode return (sum of turn rewards and the episode reward)
 * @param success    whether the episode succeeded (task success; for reward-only environments reward > 0)
 * @param covariate  the pre-period covariate for CUPED (null when the experiment has none or the episode lacks it)
 * @param guardrails value of each guardrail metric for this episode (metric name to value; missing: not measured)
 * @param timeMs     when the episode was produced (event time)
 */
public record Observation(String arm, double reward, boolean success, Double covariate,
                          Map<String, Double> guardrails, long timeMs) {
  public Observation {
    guardrails = Map.copyOf(guardrails);
  }
}
