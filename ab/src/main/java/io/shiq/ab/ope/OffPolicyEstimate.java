package io.shiq.ab.ope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An off-policy estimate of a target policy's expected episode return from logged trajectories (see
 * {@link OpeMath} for the formulas and {@link OffPolicyEstimator} for where the numbers come from).
 *
 * @param logged              trajectories given
 * @param episodes            trajectories used (n); the others are in {@code skipped}
 * @param is                  importance sampling, mean_i W_i R_i
 * @param snis                self-normalised importance sampling, sum_i W_i R_i / sum_i W_i
 * @param dr                  per-decision doubly robust with ShiQ's value readout
 * @param onPolicy            mean logged return: the behaviour policies' value, for reference
 * @param effectiveSampleSize (sum W)^2 / sum W^2: how many on-policy episodes the weighted sample is worth
 * @param maxWeightShare      max W / sum W: near 1, one episode decides the estimate
 * @param meanWeight          mean W, which has expectation 1 under exact, uncapped ratios: far from 1, the
 *                            support or the ratios are off (or n is too small for the weights' spread)
 * @param capped              episodes in which a cumulative weight reached the cap
 * @param inexactBehaviour    episodes sampled with top-p < 1 or top-k > 0: their ratios are not exact
 * @param alpha               intervals have level 1 - alpha
 * @param beta                beta of the value readout (NaN when the estimate was computed without a model)
 * @param weightCap           cap on the cumulative weights
 * @param skipped             trajectories left out, with the reason
 */
public record OffPolicyEstimate(int logged, int episodes, Interval is, Interval snis, Interval dr, Interval onPolicy,
                                double effectiveSampleSize, double maxWeightShare, double meanWeight, int capped,
                                int inexactBehaviour, double alpha, double beta, double weightCap,
                                List<Skipped> skipped) {

  public OffPolicyEstimate {
    skipped = List.copyOf(skipped);
  }

  /**
   * An estimate with its (1 - alpha) intervals: normal approximation ({@code low}, {@code high}, from
   * {@code stdError}) and percentile bootstrap ({@code bootLow}, {@code bootHigh}; NaN when not computed).
   */
  public record Interval(double estimate, double stdError, double low, double high, double bootLow, double bootHigh) {
    public boolean covers(double value) {
      return low <= value && value <= high;
    }

    public double width() {
      return high - low;
    }
  }

  /** The same estimate with what the caller of the math knows: beta, trajectories given, skipped, inexact. */
  public OffPolicyEstimate withContext(double beta, int logged, int inexactBehaviour, List<Skipped> skipped) {
    return new OffPolicyEstimate(logged, episodes, is, snis, dr, onPolicy, effectiveSampleSize, maxWeightShare,
        meanWeight, capped, inexactBehaviour, alpha, beta, weightCap, skipped);
  }

  /** Skipped trajectories per reason (reasons with none left out). */
  public Map<SkipReason, Integer> skippedByReason() {
    Map<SkipReason, Integer> out = new EnumMap<>(SkipReason.class);
    for (Skipped s : skipped) {
      out.merge(s.reason(), 1, Integer::sum);
    }
    return out;
  }

  /**
   * Every number, flat: {@code logged, episodes, <estimator>, <estimator>.se, .low, .high, .boot_low, .boot_high}
   * for is, snis, dr and on_policy, {@code ess, max_weight_share, mean_weight, capped, inexact_behaviour, alpha,
   * beta, weight_cap, skipped} and {@code skipped.<reason>} per reason (e.g. skipped.no_behaviour_log_probs).
   */
  public Map<String, Double> toMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("logged", (double) logged);
    m.put("episodes", (double) episodes);
    put(m, "is", is);
    put(m, "snis", snis);
    put(m, "dr", dr);
    put(m, "on_policy", onPolicy);
    m.put("ess", effectiveSampleSize);
    m.put("max_weight_share", maxWeightShare);
    m.put("mean_weight", meanWeight);
    m.put("capped", (double) capped);
    m.put("inexact_behaviour", (double) inexactBehaviour);
    m.put("alpha", alpha);
    m.put("beta", beta);
    m.put("weight_cap", weightCap);
    m.put("skipped", (double) skipped.size());
    for (Map.Entry<SkipReason, Integer> e : skippedByReason().entrySet()) {
      m.put("skipped." + e.getKey().name().toLowerCase(Locale.ROOT), (double) e.getValue());
    }
    return m;
  }

  private static void put(Map<String, Double> m, String name, Interval i) {
    m.put(name, i.estimate());
    m.put(name + ".se", i.stdError());
    m.put(name + ".low", i.low());
    m.put(name + ".high", i.high());
    m.put(name + ".boot_low", i.bootLow());
    m.put(name + ".boot_high", i.bootHigh());
  }

  /**
   * {@link #toMap()} as a JSON object (numbers that are not finite as null), with the skipped trajectories under
   * {@code skipped_trajectories} as {id, reason, detail}.
   */
  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : toMap().entrySet()) {
      double v = e.getValue();
      out.put(e.getKey(), Double.isFinite(v) ? (Object) v : null);
    }
    List<Map<String, String>> list = new ArrayList<>();
    for (Skipped s : skipped) {
      Map<String, String> one = new LinkedHashMap<>();
      one.put("id", s.trajectoryId());
      one.put("reason", s.reason().name());
      one.put("detail", s.detail());
      list.add(one);
    }
    out.put("skipped_trajectories", list);
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an estimate as JSON", e);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
}
