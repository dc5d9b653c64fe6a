package io.shiq.app.ab;

import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.Guardrail;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The terminal view of an experiment: one row per arm from its latest result, then SRM, guardrails, decision. */
public final class AbTable {
  private AbTable() {}

  /** The latest result of each arm, in the order written. */
  public static Map<String, EvalResult> latestPerArm(List<EvalResult> results) {
    Map<String, EvalResult> out = new LinkedHashMap<>();
    for (EvalResult r : results) {
      out.put(r.getArm(), r);
    }
    return out;
  }

  public static String render(Experiment e, List<EvalResult> results, List<ExperimentDecision> decisions) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "experiment %s  [%s]  control %s, primary %s, MDE %s, alpha %s%n",
        e.getExperimentId(), e.getStatus(), e.getControlArm(), e.getPrimaryMetric(),
        num(e.getMinimumDetectableEffect()), num(e.getAlpha())));
    Map<String, EvalResult> latest = latestPerArm(results);
    s.append(String.format(Locale.ROOT, "  %-12s %-16s %8s %6s %-22s %-20s %-22s %9s %9s%n", "arm", "serves",
        "episodes", "share", "mean [fixed CI]", "always-valid CS", "effect [CS]", "p (AV)", "p (fixed)"));
    for (ExperimentArm a : e.getArms()) {
      EvalResult r = latest.get(a.getName());
      String serves = a.getLine() + "@" + (a.getVersion() == null ? "latest" : "v" + a.getVersion());
      if (r == null) {
        s.append(String.format(Locale.ROOT, "  %-12s %-16s %8s%n", a.getName(), serves, "-"));
        continue;
      }
      Map<String, Double> m = r.getMetrics();
      boolean control = a.getName().equals(e.getControlArm());
      s.append(String.format(Locale.ROOT, "  %-12s %-16s %8d %6s %-22s %-20s %-22s %9s %9s%n", a.getName(),
          serves + (r.getPolicyVersion() == null ? "" : "=v" + r.getPolicyVersion()), r.getEpisodes(),
          pct(m.get("share")), num(r.getMeanReward()) + " [" + num(r.getCiLow()) + ", " + num(r.getCiHigh()) + "]",
          "[" + num(m.get("cs_low")) + ", " + num(m.get("cs_high")) + "]",
          control ? "(control)" : num(m.get("effect")) + " [" + num(m.get("effect_cs_low")) + ", "
              + num(m.get("effect_cs_high")) + "]",
          control ? "" : pval(m.get("always_valid_p")), control ? "" : pval(m.get("fixed_p"))));
    }
    EvalResult any = latest.values().stream().findFirst().orElse(null);
    if (any != null) {
      Double srm = any.getMetrics().get("srm_p");
      s.append(String.format(Locale.ROOT, "  sample ratio: chi-square p %s%s%n", pval(srm),
          any.getMetrics().getOrDefault("srm", 0.0) > 0 ? "  MISMATCH: verdicts withheld" : " (ok)"));
    }
    for (Guardrail g : e.getGuardrails()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  guardrail %s %s %s:", g.getMetric(),
          g.getDirection() == io.shiq.avro.GuardrailDirection.AT_MOST ? "<=" : ">=", num(g.getLimit())));
      for (EvalResult r : latest.values()) {
        Map<String, Double> m = r.getMetrics();
        String p = "guardrail." + g.getMetric() + ".";
        if (m.containsKey(p + "mean")) {
          line.append(String.format(Locale.ROOT, "  %s %s [%s, %s]%s", r.getArm(), num(m.get(p + "mean")),
              num(m.get(p + "cs_low")), num(m.get(p + "cs_high")), m.getOrDefault(p + "breached", 0.0) > 0
                  ? " BREACHED" : ""));
        }
      }
      s.append(line).append('\n');
    }
    if (decisions.isEmpty()) {
      s.append("  decision: none yet\n");
    } else {
      ExperimentDecision d = decisions.get(decisions.size() - 1);
      s.append(String.format(Locale.ROOT, "  decision: %s%s at %s after %d episodes: %s%n", d.getKind(),
          d.getArm() == null ? "" : " " + d.getArm(), d.getDecidedAt(), d.getEpisodes(), d.getReason()));
    }
    return s.toString();
  }

  static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "-";
    }
    if (Math.abs(v) >= 1e6 || v == Double.MAX_VALUE || v == -Double.MAX_VALUE) {
      return v > 0 ? "+inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  static String pval(Double v) {
    if (v == null || v.isNaN()) {
      return "-";
    }
    return v < 1e-4 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.4f", v);
  }
}
