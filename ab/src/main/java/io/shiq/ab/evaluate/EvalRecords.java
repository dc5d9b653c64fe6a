package io.shiq.ab.evaluate;

import io.shiq.ab.monitor.ArmSummary;
import io.shiq.ab.monitor.Comparison;
import io.shiq.ab.monitor.Decision;
import io.shiq.ab.monitor.Evaluation;
import io.shiq.ab.monitor.GuardrailStatus;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Evaluation} as the records written to {@code eval.results} (one per arm) and
 * {@code experiments.decisions}. Main fields of an EvalResult are cumulative since the start; the metrics map holds
 * the always-valid figures (cs_low, cs_high), the comparison with the control (effect, effect_cs_low,
 * effect_cs_high, always_valid_p, fixed_p, fixed_low, fixed_high, variance_reduction, horizon_per_arm), SRM
 * (srm_p, srm), guardrails (guardrail.M.mean|cs_low|cs_high|limit|breached) and the window's own figures
 * (window_episodes, window_mean). The report and {@code shiq ab status} read these keys.
 */
public final class EvalRecords {
  private EvalRecords() {}

  /** Episodes and reward sum of one arm within the current window. */
  public record WindowCounts(long episodes, double rewardSum) {}

  public static List<EvalResult> results(Experiment experiment, Evaluation e, long windowStartMs,
                                         Map<String, WindowCounts> window, Map<String, Long> versions,
                                         String envId) {
    Map<String, Comparison> byArm = new HashMap<>();
    for (Comparison c : e.comparisons()) {
      byArm.put(c.arm(), c);
    }
    List<EvalResult> out = new ArrayList<>();
    for (ArmSummary a : e.arms()) {
      Map<String, Double> m = new HashMap<>();
      m.put("cs_low", a.csLow());
      m.put("cs_high", a.csHigh());
      m.put("success_rate", a.successRate());
      m.put("share", a.share());
      m.put("expected_share", a.expectedShare());
      m.put("srm_p", e.srmP());
      m.put("srm", e.srm() ? 1.0 : 0.0);
      Comparison c = byArm.get(a.arm());
      if (c != null) {
        m.put("effect", c.effect());
        m.put("effect_cs_low", c.csLow());
        m.put("effect_cs_high", c.csHigh());
        m.put("always_valid_p", c.alwaysValidP());
        m.put("fixed_p", c.fixedP());
        m.put("fixed_low", c.fixedLow());
        m.put("fixed_high", c.fixedHigh());
        m.put("variance_reduction", c.varianceReduction());
        m.put("horizon_per_arm", (double) c.horizonPerArm());
      }
      for (GuardrailStatus g : a.guardrails()) {
        String p = "guardrail." + g.metric() + ".";
        m.put(p + "mean", g.mean());
        m.put(p + "cs_low", g.csLow());
        m.put(p + "cs_high", g.csHigh());
        m.put(p + "limit", g.limit());
        m.put(p + "breached", g.breached() ? 1.0 : 0.0);
        m.put(p + "episodes", (double) g.episodes());
      }
      WindowCounts w = window.getOrDefault(a.arm(), new WindowCounts(0, 0));
      m.put("window_episodes", (double) w.episodes());
      if (w.episodes() > 0) {
        m.put("window_mean", w.rewardSum() / w.episodes());
      }
      m.values().removeIf(v -> v == null || Double.isNaN(v));
      m.replaceAll((k, v) -> Double.isInfinite(v) ? (v > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE) : v);
      boolean control = a.arm().equals(experiment.getControlArm());
      out.add(EvalResult.newBuilder()
          .setEvalId(experiment.getExperimentId() + "/" + a.arm() + "/" + e.timeMs())
          .setArm(a.arm()).setPolicyVersion(versions.get(a.arm()))
          .setEnvId(envId == null ? "" : envId)
          .setWindowStart(Instant.ofEpochMilli(windowStartMs)).setWindowEnd(Instant.ofEpochMilli(e.timeMs()))
          .setEpisodes(a.episodes()).setMeanReward(finite(a.meanReward()))
          .setStdReward(finite(Math.sqrt(Math.max(0, a.variance()))))
          .setCiLow(finite(a.ciLow())).setCiHigh(finite(a.ciHigh()))
          .setSuccessRate(Double.isNaN(a.successRate()) ? null : a.successRate())
          .setBaselineArm(control ? null : experiment.getControlArm())
          .setPValue(c == null || Double.isNaN(c.alwaysValidP()) ? null : c.alwaysValidP())
          .setMetrics(m).setExperimentId(experiment.getExperimentId()).build());
    }
    return out;
  }

  public static ExperimentDecision decision(Experiment experiment, Decision d, Long rollbackVersion,
                                            String extraReason) {
    return ExperimentDecision.newBuilder().setExperimentId(experiment.getExperimentId()).setKind(d.kind())
        .setArm(d.arm()).setControlArm(experiment.getControlArm())
        .setReason(extraReason == null ? d.reason() : d.reason() + "; " + extraReason)
        .setEpisodes(d.episodes()).setEffect(nullable(d.effect())).setCsLow(nullable(d.csLow()))
        .setCsHigh(nullable(d.csHigh())).setPValue(nullable(d.pValue())).setRollbackVersion(rollbackVersion)
        .setDecidedAt(Instant.ofEpochMilli(d.timeMs())).build();
  }

  private static Double nullable(Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0.0;
  }
}
