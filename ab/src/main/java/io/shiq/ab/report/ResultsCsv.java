package io.shiq.ab.report;

import io.shiq.avro.EvalResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * results.csv: one row per EvalResult, by evaluation time. The record's fields come first (snake case), then one
 * column per metric key as {@code metrics.KEY}: the evaluator's known keys always (empty when missing), then
 * guardrail keys and any other key seen, sorted. Times are UTC ISO-8601; numbers use Java's shortest exact
 * representation; non-finite numbers are empty.
 */
final class ResultsCsv {
  static final List<String> FIELDS = List.of("eval_id", "experiment_id", "arm", "policy_version", "env_id",
      "window_start", "window_end", "episodes", "mean_reward", "std_reward", "ci_low", "ci_high", "success_rate",
      "baseline_arm", "p_value");
  static final List<String> KNOWN_METRICS = List.of("cs_low", "cs_high", "success_rate", "share", "expected_share",
      "srm_p", "srm", "effect", "effect_cs_low", "effect_cs_high", "always_valid_p", "fixed_p", "fixed_low",
      "fixed_high", "variance_reduction", "horizon_per_arm", "window_episodes", "window_mean");

  private ResultsCsv() {}

  static String render(List<EvalResult> results) {
    Set<String> guardrails = new TreeSet<>();
    Set<String> others = new TreeSet<>();
    for (EvalResult r : results) {
      for (String k : ReportModel.metricsOf(r).keySet()) {
        if (KNOWN_METRICS.contains(k)) {
          continue;
        }
        (k.startsWith("guardrail.") ? guardrails : others).add(k);
      }
    }
    Set<String> keys = new LinkedHashSet<>(KNOWN_METRICS);
    keys.addAll(guardrails);
    keys.addAll(others);

    StringBuilder s = new StringBuilder();
    List<String> header = new ArrayList<>(FIELDS);
    for (String k : keys) {
      header.add("metrics." + k);
    }
    row(s, header);
    for (EvalResult r : results) {
      List<String> cells = new ArrayList<>(header.size());
      cells.add(text(r.getEvalId()));
      cells.add(text(r.getExperimentId()));
      cells.add(text(r.getArm()));
      cells.add(r.getPolicyVersion() == null ? "" : r.getPolicyVersion().toString());
      cells.add(text(r.getEnvId()));
      cells.add(r.getWindowStart() == null ? "" : Fmt.time(r.getWindowStart()));
      cells.add(r.getWindowEnd() == null ? "" : Fmt.time(r.getWindowEnd()));
      cells.add(Long.toString(r.getEpisodes()));
      cells.add(number(r.getMeanReward()));
      cells.add(number(r.getStdReward()));
      cells.add(number(r.getCiLow()));
      cells.add(number(r.getCiHigh()));
      cells.add(r.getSuccessRate() == null ? "" : number(r.getSuccessRate()));
      cells.add(text(r.getBaselineArm()));
      cells.add(r.getPValue() == null ? "" : number(r.getPValue()));
      for (String k : keys) {
        cells.add(number(ReportModel.metric(r, k)));
      }
      row(s, cells);
    }
    return s.toString();
  }

  private static void row(StringBuilder s, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(quote(cells.get(i)));
    }
    s.append("\r\n");
  }

  static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  /**
   * User text (ids, arm names): a leading =, +, -, @ or tab would make a spreadsheet evaluate the cell as a
   * formula, so such text gets a leading apostrophe.
   */
  static String text(String v) {
    if (v == null || v.isEmpty()) {
      return "";
    }
    char c = v.charAt(0);
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + v : v;
  }

  /** RFC 4180 quoting: cells with a comma, quote or line break are quoted, quotes doubled. */
  static String quote(String v) {
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
