package io.shiq.ab.report;

import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The report's inputs, ordered and indexed: results by time and arm, the arms (declared ones first, then any other
 * arm seen in the results), the last result of each arm (its figures are cumulative, so it holds the final figures),
 * the decisions by time, and the guardrail metrics (declared ones, then any other seen in the metrics).
 */
final class ReportModel {
  static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
      "#17becf", "#7f7f7f", "#bcbd22"};

  final Experiment experiment;
  /** By windowEnd (the evaluation time), ties in input order. */
  final List<EvalResult> results;
  /** By decidedAt, ties in input order. */
  final List<ExperimentDecision> decisions;
  final List<OpeLine> ope;
  final List<String> arms;
  final Map<String, List<EvalResult>> byArm = new LinkedHashMap<>();
  final Map<String, EvalResult> last = new LinkedHashMap<>();
  final List<String> guardrailMetrics;

  ReportModel(Experiment experiment, List<EvalResult> results, List<ExperimentDecision> decisions,
              List<OpeLine> ope) {
    this.experiment = Objects.requireNonNull(experiment, "experiment");
    this.results = new ArrayList<>(results == null ? List.of() : results);
    this.results.removeIf(Objects::isNull);
    this.results.sort(Comparator.comparing(ReportModel::time, Comparator.nullsFirst(Comparator.naturalOrder())));
    this.decisions = new ArrayList<>(decisions == null ? List.of() : decisions);
    this.decisions.removeIf(Objects::isNull);
    this.decisions.sort(Comparator.comparing(ExperimentDecision::getDecidedAt,
        Comparator.nullsFirst(Comparator.naturalOrder())));
    this.ope = new ArrayList<>(ope == null ? List.of() : ope);
    this.ope.removeIf(Objects::isNull);

    Set<String> names = new LinkedHashSet<>();
    for (ExperimentArm a : declaredArms()) {
      names.add(a.getName());
    }
    for (EvalResult r : this.results) {
      names.add(r.getArm());
    }
    this.arms = new ArrayList<>(names);
    for (EvalResult r : this.results) {
      byArm.computeIfAbsent(r.getArm(), k -> new ArrayList<>()).add(r);
      last.put(r.getArm(), r);
    }

    Set<String> metrics = new LinkedHashSet<>();
    for (Guardrail g : declaredGuardrails()) {
      metrics.add(g.getMetric());
    }
    Set<String> seen = new TreeSet<>();
    for (EvalResult r : this.results) {
      for (String k : metricsOf(r).keySet()) {
        if (k.startsWith("guardrail.")) {
          int end = k.lastIndexOf('.');
          if (end > "guardrail.".length()) {
            seen.add(k.substring("guardrail.".length(), end));
          }
        }
      }
    }
    metrics.addAll(seen);
    this.guardrailMetrics = new ArrayList<>(metrics);
  }

  List<ExperimentArm> declaredArms() {
    List<ExperimentArm> a = experiment.getArms();
    return a == null ? List.of() : a.stream().filter(Objects::nonNull).toList();
  }

  List<Guardrail> declaredGuardrails() {
    List<Guardrail> g = experiment.getGuardrails();
    return g == null ? List.of() : g.stream().filter(Objects::nonNull).toList();
  }

  ExperimentArm declared(String arm) {
    for (ExperimentArm a : declaredArms()) {
      if (a.getName().equals(arm)) {
        return a;
      }
    }
    return null;
  }

  Guardrail guardrail(String metric) {
    for (Guardrail g : declaredGuardrails()) {
      if (g.getMetric().equals(metric)) {
        return g;
      }
    }
    return null;
  }

  GuardrailDirection direction(String metric) {
    Guardrail g = guardrail(metric);
    return g == null || g.getDirection() == null ? null : g.getDirection();
  }

  String control() {
    return experiment.getControlArm() == null ? "" : experiment.getControlArm();
  }

  boolean isControl(String arm) {
    return control().equals(arm);
  }

  /** Arms compared with the control (every arm but the control). */
  List<String> treatments() {
    return arms.stream().filter(a -> !isControl(a)).toList();
  }

  boolean empty() {
    return results.isEmpty();
  }

  /** The decision in force: the latest one. */
  ExperimentDecision decision() {
    return decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
  }

  /** Time of the last evaluation, or null. */
  Instant asOf() {
    return results.isEmpty() ? null : time(results.get(results.size() - 1));
  }

  /** Distinct evaluation times. */
  int evaluations() {
    return (int) results.stream().map(ReportModel::time).filter(Objects::nonNull).distinct().count();
  }

  long totalEpisodes() {
    return last.values().stream().mapToLong(EvalResult::getEpisodes).sum();
  }

  String color(String arm) {
    int i = arms.indexOf(arm);
    return PALETTE[Math.floorMod(i < 0 ? Objects.hashCode(arm) : i, PALETTE.length)];
  }

  boolean primaryIsSuccess() {
    return "success_rate".equals(experiment.getPrimaryMetric());
  }

  String primaryMetric() {
    String m = experiment.getPrimaryMetric();
    return m == null || m.isEmpty() ? "mean_reward" : m;
  }

  /**
   * The arm's mean of the primary metric: the success rate when the primary metric is success_rate, else the mean
   * reward. The CI (ciLow/ciHigh) and the confidence sequence (cs_low/cs_high) are of this mean.
   */
  double primaryMean(EvalResult r) {
    if (primaryIsSuccess()) {
      double s = successRate(r);
      return Double.isNaN(s) ? r.getMeanReward() : s;
    }
    return r.getMeanReward();
  }

  static double successRate(EvalResult r) {
    return r.getSuccessRate() != null ? r.getSuccessRate() : metric(r, "success_rate");
  }

  /** Declared traffic share of the arm (weights normalised), NaN when unknown. */
  double declaredShare(String arm) {
    double total = 0;
    for (ExperimentArm a : declaredArms()) {
      total += Math.max(0, a.getWeight());
    }
    ExperimentArm a = declared(arm);
    return a == null || total <= 0 ? Double.NaN : Math.max(0, a.getWeight()) / total;
  }

  /** The expected share written by the evaluator, else the declared one. */
  double expectedShare(String arm) {
    EvalResult r = last.get(arm);
    double v = r == null ? Double.NaN : metric(r, "expected_share");
    return Double.isNaN(v) ? declaredShare(arm) : v;
  }

  /** Observed share of the arm's episodes: the evaluator's figure, else computed from the last results. */
  double observedShare(String arm) {
    EvalResult r = last.get(arm);
    double v = r == null ? Double.NaN : metric(r, "share");
    if (!Double.isNaN(v)) {
      return v;
    }
    long total = totalEpisodes();
    return r == null || total == 0 ? Double.NaN : (double) r.getEpisodes() / total;
  }

  /** The SRM p-value of the last evaluation (NaN when not tested). */
  double srmP() {
    for (int i = results.size() - 1; i >= 0; i--) {
      double p = metric(results.get(i), "srm_p");
      if (!Double.isNaN(p)) {
        return p;
      }
    }
    return Double.NaN;
  }

  /** Whether the last evaluation flagged a sample ratio mismatch (null when not tested). */
  Boolean srmFlagged() {
    for (int i = results.size() - 1; i >= 0; i--) {
      double f = metric(results.get(i), "srm");
      if (!Double.isNaN(f)) {
        return f >= 0.5;
      }
    }
    return null;
  }

  static Instant time(EvalResult r) {
    return r.getWindowEnd() != null ? r.getWindowEnd() : r.getWindowStart();
  }

  static double timeMs(EvalResult r) {
    Instant t = time(r);
    return t == null ? Double.NaN : t.toEpochMilli();
  }

  static Map<String, Double> metricsOf(EvalResult r) {
    Map<String, Double> m = r.getMetrics();
    return m == null ? Map.of() : m;
  }

  /** A metric of the result, NaN when missing. */
  static double metric(EvalResult r, String key) {
    Double v = metricsOf(r).get(key);
    return v == null ? Double.NaN : v;
  }

  /** The always-valid p-value of a treatment's comparison: the metric, else the record's pValue; NaN if neither. */
  static double alwaysValidP(EvalResult r) {
    double p = metric(r, "always_valid_p");
    return Double.isNaN(p) && r.getPValue() != null ? r.getPValue() : p;
  }

  static double guardrail(EvalResult r, String metric, String what) {
    return metric(r, "guardrail." + metric + "." + what);
  }

  boolean hasGuardrail(EvalResult r, String metric) {
    return !Double.isNaN(guardrail(r, metric, "mean")) || !Double.isNaN(guardrail(r, metric, "cs_low"))
        || !Double.isNaN(guardrail(r, metric, "breached"));
  }

  /** Limit of a guardrail: the declared one, else the last one written. */
  double guardrailLimit(String metric) {
    Guardrail g = guardrail(metric);
    if (g != null) {
      return g.getLimit();
    }
    for (int i = results.size() - 1; i >= 0; i--) {
      double v = guardrail(results.get(i), metric, "limit");
      if (!Double.isNaN(v)) {
        return v;
      }
    }
    return Double.NaN;
  }

  /** The level of the intervals, e.g. "95%". */
  String level() {
    double a = experiment.getAlpha();
    if (!(a > 0 && a < 1)) {
      return "";
    }
    return new java.math.BigDecimal(100 * (1 - a)).round(new java.math.MathContext(3)).stripTrailingZeros()
        .toPlainString() + "%";
  }

  /** Latest policy version the arm's results name, else its pinned version, else null. */
  Long version(String arm) {
    EvalResult r = last.get(arm);
    if (r != null && r.getPolicyVersion() != null) {
      return r.getPolicyVersion();
    }
    ExperimentArm a = declared(arm);
    return a == null ? null : a.getVersion();
  }
}
