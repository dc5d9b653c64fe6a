package io.shiq.ab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * summary.json: the final figures. Top-level keys: {@code experiment} (the declaration), {@code as_of} (time of the
 * last evaluation, null without results), {@code evaluations}, {@code total_episodes}, {@code arms} (per arm:
 * episodes, mean of the primary metric with {@code ci} and {@code cs}, mean reward, success rate, shares, and for
 * treatments the comparison with the control: {@code effect}, {@code effect_cs}, {@code always_valid_p},
 * {@code fixed_p}, {@code fixed_ci}; plus its {@code guardrails}), {@code srm} ({@code p}, {@code flagged},
 * per-arm observed and expected shares), {@code decision} (the latest one, with {@code decided_at}; null when none),
 * {@code decisions} (all of them, by time) and {@code ope} (each off-policy estimate with the live figures of its
 * arm). Times are UTC ISO-8601 strings; missing and non-finite numbers are null.
 */
final class SummaryJson {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SummaryJson() {}

  static String render(ReportModel m) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("experiment", experiment(m));
    root.put("as_of", time(m.asOf()));
    root.put("evaluations", m.evaluations());
    root.put("total_episodes", m.totalEpisodes());
    List<Object> arms = new ArrayList<>();
    for (String arm : m.arms) {
      arms.add(arm(m, arm));
    }
    root.put("arms", arms);
    Map<String, Object> srm = new LinkedHashMap<>();
    srm.put("p", n(m.srmP()));
    srm.put("flagged", m.srmFlagged());
    Map<String, Object> shares = new LinkedHashMap<>();
    for (String arm : m.arms) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("observed", n(m.observedShare(arm)));
      s.put("expected", n(m.expectedShare(arm)));
      shares.put(arm, s);
    }
    srm.put("shares", shares);
    root.put("srm", srm);
    ExperimentDecision d = m.decision();
    root.put("decision", d == null ? null : decision(d));
    List<Object> all = new ArrayList<>();
    for (ExperimentDecision x : m.decisions) {
      all.add(decision(x));
    }
    root.put("decisions", all);
    List<Object> ope = new ArrayList<>();
    for (OpeLine o : m.ope) {
      ope.add(ope(m, o));
    }
    root.put("ope", ope);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write summary.json: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> experiment(ReportModel m) {
    Experiment e = m.experiment;
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("id", e.getExperimentId());
    x.put("description", e.getDescription());
    x.put("control_arm", e.getControlArm());
    x.put("primary_metric", m.primaryMetric());
    x.put("minimum_detectable_effect", n(e.getMinimumDetectableEffect()));
    x.put("alpha", n(e.getAlpha()));
    x.put("power", n(e.getPower()));
    x.put("status", e.getStatus() == null ? null : e.getStatus().toString());
    x.put("status_reason", e.getStatusReason());
    x.put("start_at", time(e.getStartAt()));
    x.put("stop_at", time(e.getStopAt()));
    x.put("updated_at", time(e.getUpdatedAt()));
    List<Object> arms = new ArrayList<>();
    for (ExperimentArm a : m.declaredArms()) {
      Map<String, Object> y = new LinkedHashMap<>();
      y.put("name", a.getName());
      y.put("line", a.getLine());
      y.put("version", a.getVersion());
      y.put("weight", n(a.getWeight()));
      y.put("share", n(m.declaredShare(a.getName())));
      arms.add(y);
    }
    x.put("arms", arms);
    List<Object> guardrails = new ArrayList<>();
    for (Guardrail g : m.declaredGuardrails()) {
      Map<String, Object> y = new LinkedHashMap<>();
      y.put("metric", g.getMetric());
      y.put("direction", g.getDirection() == null ? null : g.getDirection().toString());
      y.put("limit", n(g.getLimit()));
      guardrails.add(y);
    }
    x.put("guardrails", guardrails);
    return x;
  }

  private static Map<String, Object> arm(ReportModel m, String arm) {
    EvalResult r = m.last.get(arm);
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("arm", arm);
    x.put("control", m.isControl(arm));
    x.put("policy_version", m.version(arm));
    x.put("last_evaluation", r == null ? null : time(ReportModel.time(r)));
    x.put("episodes", r == null ? 0L : r.getEpisodes());
    x.put("mean", r == null ? null : n(m.primaryMean(r)));
    x.put("ci", r == null ? null : pair(r.getCiLow(), r.getCiHigh()));
    x.put("cs", r == null ? null : pair(ReportModel.metric(r, "cs_low"), ReportModel.metric(r, "cs_high")));
    x.put("mean_reward", r == null ? null : n(r.getMeanReward()));
    x.put("std_reward", r == null ? null : n(r.getStdReward()));
    x.put("success_rate", r == null ? null : n(ReportModel.successRate(r)));
    x.put("share", n(m.observedShare(arm)));
    x.put("expected_share", n(m.expectedShare(arm)));
    if (!m.isControl(arm)) {
      x.put("effect", r == null ? null : n(ReportModel.metric(r, "effect")));
      x.put("effect_cs", r == null ? null
          : pair(ReportModel.metric(r, "effect_cs_low"), ReportModel.metric(r, "effect_cs_high")));
      x.put("always_valid_p", r == null ? null : n(ReportModel.alwaysValidP(r)));
      x.put("fixed_p", r == null ? null : n(ReportModel.metric(r, "fixed_p")));
      x.put("fixed_ci", r == null ? null
          : pair(ReportModel.metric(r, "fixed_low"), ReportModel.metric(r, "fixed_high")));
      x.put("variance_reduction", r == null ? null : n(ReportModel.metric(r, "variance_reduction")));
      double h = r == null ? Double.NaN : ReportModel.metric(r, "horizon_per_arm");
      x.put("horizon_per_arm", Double.isFinite(h) ? (Object) Math.round(h) : null);
    }
    List<Object> guardrails = new ArrayList<>();
    if (r != null) {
      for (String metric : m.guardrailMetrics) {
        if (!m.hasGuardrail(r, metric)) {
          continue;
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("metric", metric);
        GuardrailDirection dir = m.direction(metric);
        g.put("direction", dir == null ? null : dir.toString());
        g.put("limit", n(m.guardrailLimit(metric)));
        g.put("mean", n(ReportModel.guardrail(r, metric, "mean")));
        g.put("cs", pair(ReportModel.guardrail(r, metric, "cs_low"), ReportModel.guardrail(r, metric, "cs_high")));
        double b = ReportModel.guardrail(r, metric, "breached");
        g.put("breached", Double.isNaN(b) ? null : b >= 0.5);
        guardrails.add(g);
      }
    }
    x.put("guardrails", guardrails);
    return x;
  }

  private static Map<String, Object> decision(ExperimentDecision d) {
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("kind", d.getKind() == null ? null : d.getKind().toString());
    x.put("arm", d.getArm());
    x.put("control_arm", d.getControlArm());
    x.put("reason", d.getReason());
    x.put("decided_at", time(d.getDecidedAt()));
    x.put("episodes", d.getEpisodes());
    x.put("effect", n(d.getEffect()));
    x.put("cs_low", n(d.getCsLow()));
    x.put("cs_high", n(d.getCsHigh()));
    x.put("p_value", n(d.getPValue()));
    x.put("rollback_version", d.getRollbackVersion());
    return x;
  }

  private static Map<String, Object> ope(ReportModel m, OpeLine o) {
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("arm", o.arm());
    x.put("estimator", o.estimator());
    x.put("estimate", n(o.estimate()));
    x.put("ci_low", n(o.ciLow()));
    x.put("ci_high", n(o.ciHigh()));
    x.put("n", o.n());
    x.put("effective_sample_size", n(o.effectiveSampleSize()));
    OpeCheck c = OpeCheck.of(m, o);
    x.put("live_mean", n(c.liveMean()));
    x.put("live_ci", c.live() ? pair(c.liveLow(), c.liveHigh()) : null);
    x.put("live_inside_interval", c.live() ? c.inside() : null);
    return x;
  }

  private static List<Double> pair(double lo, double hi) {
    if (Double.isNaN(lo) && Double.isNaN(hi)) {
      return null;
    }
    List<Double> p = new ArrayList<>(2);
    p.add(n(lo));
    p.add(n(hi));
    return p;
  }

  private static Double n(Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }

  private static Double n(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static String time(Instant t) {
    return t == null ? null : Fmt.time(t);
  }
}
