package io.shiq.ab.monitor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.ab.stats.Cuped;
import io.shiq.ab.stats.FixedHorizon;
import io.shiq.ab.stats.Interval;
import io.shiq.ab.stats.Moments;
import io.shiq.ab.stats.Msprt;
import io.shiq.ab.stats.Normal;
import io.shiq.ab.stats.Srm;
import io.shiq.avro.DecisionKind;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The statistics and the decision rule of one A/B experiment, independent of Kafka: the evaluator's Streams
 * processor keeps one per experiment in its state store ({@link #state()} / {@link #restore}), and the calibration
 * benchmark drives the very same class with simulated episodes.
 *
 * <h2>Statistics</h2>
 * Per arm it keeps running moments ({@link Moments}) of the primary metric ({@code mean_reward}: the episode return;
 * {@code success_rate}: success as 0/1) together with the CUPED covariate, of the reward, the success count, and
 * the moments of every guardrail metric over the episodes that carry it. {@link #evaluate} is O(arms + guardrails):
 * <ul>
 *   <li>per arm: mean and variance of the primary metric, its fixed-horizon (1 - alpha) interval, its always-valid
 *       (1 - alpha) confidence sequence (one-sample {@link Msprt}, tau = MDE), the observed and declared shares,
 *       and every guardrail's running mean with its always-valid (1 - alpha) confidence sequence (one-sample mSPRT,
 *       tau = max(0.1 |limit|, 1e-3): the scale of a departure from the limit worth noticing; tau tunes power, never
 *       validity);</li>
 *   <li>per treatment arm against the control: the effect (CUPED-adjusted when configured), the mSPRT always-valid
 *       p-value with the normal mixture N(0, MDE^2) (tau = MDE, the usual choice: the test is most sensitive to
 *       effects of that size), kept as a running minimum in the state so it never increases, its confidence
 *       sequence, the fixed-horizon z-test for reference, and the horizon. Comparison intervals and the verdict use
 *       alpha / (number of treatment arms) (Bonferroni); with one treatment that is alpha;</li>
 *   <li>SRM: chi-square of the arms' episode counts against the declared weights.</li>
 * </ul>
 *
 * <h2>Decision</h2>
 * Made at most once, at the first look where a rule holds, then kept (also across {@link #state()}/{@link #restore}).
 * Nothing is decided before every arm has minEpisodesPerArm episodes (at least 2), except: SRM may also be flagged
 * once the experiment has arms x minEpisodesPerArm episodes in all (so an arm starved by a broken assignment is
 * still caught), and STOPPED. The always-valid p-value only takes looks from that point on. In order:
 * <ol>
 *   <li>SAMPLE_RATIO_MISMATCH when the SRM p-value is below {@link #SRM_THRESHOLD};</li>
 *   <li>ROLLBACK of the first treatment arm (in the experiment's order) with a breached guardrail (the guardrail's
 *       own episodes also at least the minimum);</li>
 *   <li>WINNER when a comparison's always-valid p is below alpha / (treatment arms): the treatment when its effect
 *       is positive, else the control (smallest p first);</li>
 *   <li>NO_DIFFERENCE when every arm has reached the horizon: maxEpisodesPerArm when set, otherwise
 *       ceil({@link #HORIZON_FACTOR} x the fixed-horizon sample size per arm for alpha / (treatment arms), power,
 *       MDE and the pooled (CUPED-adjusted when used) variance of the two arms, the largest over comparisons);</li>
 *   <li>STOPPED when the experiment's status is STOPPED, or its stopAt has passed.</li>
 * </ol>
 *
 * <h2>Missing covariates</h2>
 * CUPED applies only while every episode recorded so far carried a finite covariate: once one lacks it (the
 * metadata key missing or not a number), the comparisons use the raw statistics (varianceReduction 0) for the rest
 * of the experiment. Every episode still counts in the raw statistics. Imputing a value would be a guess, and
 * mixing episodes with and without the adjustment would bias theta.
 *
 * <p>Not thread-safe.
 */
public final class ExperimentMonitor {
  /** Sample-ratio-mismatch threshold on the chi-square p-value (strict: it is checked at every look). */
  public static final double SRM_THRESHOLD = 1e-4;

  /**
   * The horizon without a verdict, as a multiple of the fixed-horizon sample size for the MDE. An mSPRT needs more
   * episodes than a single-look z-test for the same power because it pays for being valid at every look; with
   * tau = MDE, 2.0 gives the planned power at effect = MDE (the ab-calibration benchmark measures 0.8 or more at
   * alpha 0.05, power 0.8, and an A/A false-positive rate below alpha under continuous peeking).
   */
  public static final double HORIZON_FACTOR = 2.0;

  public static final String MEAN_REWARD = "mean_reward";
  public static final String SUCCESS_RATE = "success_rate";

  /** Format version of {@link #state()}. */
  private static final int STATE_FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** What one arm has seen. */
  private static final class ArmStats {
    final Moments primary;
    final Moments reward;
    long successes;
    long missingCovariates;
    final Map<String, Moments> guardrails;

    ArmStats() {
      this(new Moments(), new Moments(), 0, 0, new HashMap<>());
    }

    ArmStats(Moments primary, Moments reward, long successes, long missingCovariates,
             Map<String, Moments> guardrails) {
      this.primary = primary;
      this.reward = reward;
      this.successes = successes;
      this.missingCovariates = missingCovariates;
      this.guardrails = guardrails;
    }

    Moments guardrail(String metric) {
      return guardrails.computeIfAbsent(metric, m -> new Moments());
    }
  }

  /** The serialised form of an arm. */
  record ArmState(String arm, Moments.State primary, Moments.State reward, long successes, long missingCovariates,
                  Map<String, Moments.State> guardrails) {}

  /** The serialised form of the monitor. */
  record SavedState(int format, String experimentId, String primaryMetric, String cupedCovariate,
                    List<ArmState> arms, Map<String, Double> minP, Decision decision) {}

  // The experiment and what is derived from it (see configure).
  private Experiment experiment;
  private String[] arms;
  private double[] shares;
  private int control;
  private boolean successMetric;
  private String covariate;
  private double alpha;
  private double comparisonAlpha;
  private double mde;
  private int minEpisodes;
  private double zArm;
  private double zComparison;
  private double sampleSizeFactor;
  private List<Guardrail> guardrails;
  private List<String> guardrailMetrics;
  private double[] guardrailTau;

  // The statistics.
  private final Map<String, ArmStats> stats = new LinkedHashMap<>();
  private final Map<String, Double> minP = new HashMap<>();
  private Decision decision;

  public ExperimentMonitor(Experiment experiment) {
    configure(experiment);
  }

  /** A monitor with the state {@link #state()} returned earlier. */
  public static ExperimentMonitor restore(Experiment experiment, byte[] state) {
    ExperimentMonitor m = new ExperimentMonitor(experiment);
    SavedState s;
    try {
      s = JSON.readValue(state, SavedState.class);
    } catch (IOException e) {
      throw new UncheckedIOException("experiment " + experiment.getExperimentId() + ": unreadable monitor state", e);
    }
    if (s.format() != STATE_FORMAT) {
      throw new IllegalArgumentException("experiment " + experiment.getExperimentId() + ": monitor state format "
          + s.format() + ", expected " + STATE_FORMAT);
    }
    if (!experiment.getExperimentId().equals(s.experimentId())) {
      throw new IllegalArgumentException("monitor state of experiment " + s.experimentId() + " given for "
          + experiment.getExperimentId());
    }
    checkCompatible(experiment, s.primaryMetric(), s.cupedCovariate());
    if (s.arms() != null) {
      for (ArmState a : s.arms()) {
        if (!m.stats.containsKey(a.arm())) {
          continue; // an arm the experiment no longer has
        }
        Map<String, Moments> g = new HashMap<>();
        if (a.guardrails() != null) {
          a.guardrails().forEach((k, v) -> g.put(k, Moments.of(v)));
        }
        m.stats.put(a.arm(), new ArmStats(Moments.of(a.primary()), Moments.of(a.reward()), a.successes(),
            a.missingCovariates(), g));
      }
    }
    if (s.minP() != null) {
      s.minP().forEach((arm, p) -> {
        if (m.stats.containsKey(arm) && p != null) {
          m.minP.put(arm, p);
        }
      });
    }
    m.decision = s.decision();
    return m;
  }

  /** The whole state, serialised (JSON), for the evaluator's state store. */
  public byte[] state() {
    List<ArmState> out = new ArrayList<>(stats.size());
    for (Map.Entry<String, ArmStats> e : stats.entrySet()) {
      ArmStats a = e.getValue();
      Map<String, Moments.State> g = new LinkedHashMap<>();
      a.guardrails.forEach((k, v) -> g.put(k, v.state()));
      out.add(new ArmState(e.getKey(), a.primary.state(), a.reward.state(), a.successes, a.missingCovariates, g));
    }
    SavedState s = new SavedState(STATE_FORMAT, experiment.getExperimentId(), experiment.getPrimaryMetric(),
        covariate, out, new LinkedHashMap<>(minP), decision);
    try {
      return JSON.writeValueAsBytes(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Experiment experiment() {
    return experiment;
  }

  /**
   * A newer record of the same experiment (status change, stop); the statistics are kept. Arms are matched by
   * name: a new arm starts empty, a removed arm's statistics are dropped. The primary metric and the CUPED
   * covariate cannot change (the statistics would mean something else): IllegalArgumentException.
   */
  public void update(Experiment experiment) {
    if (!this.experiment.getExperimentId().equals(experiment.getExperimentId())) {
      throw new IllegalArgumentException("experiment " + this.experiment.getExperimentId()
          + " cannot be updated with experiment " + experiment.getExperimentId());
    }
    checkCompatible(experiment, this.experiment.getPrimaryMetric(), this.experiment.getCupedCovariate());
    configure(experiment);
  }

  /** Adds one episode. */
  public void record(Observation observation) {
    ArmStats a = stats.get(observation.arm());
    if (a == null) {
      throw new IllegalArgumentException("experiment " + experiment.getExperimentId() + " has no arm '"
          + observation.arm() + "' (arms: " + String.join(", ", arms) + ")");
    }
    double reward = observation.reward();
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("experiment " + experiment.getExperimentId() + ", arm " + observation.arm()
          + ": the episode's reward is not finite: " + reward);
    }
    double y = successMetric ? (observation.success() ? 1 : 0) : reward;
    if (covariate != null) {
      Double x = observation.covariate();
      if (x != null && Double.isFinite(x)) {
        a.primary.add(y, x);
      } else {
        a.primary.add(y);
        a.missingCovariates++;
      }
    } else {
      a.primary.add(y);
    }
    a.reward.add(reward);
    if (observation.success()) {
      a.successes++;
    }
    if (!observation.guardrails().isEmpty()) {
      // Two guardrails on one metric (an upper and a lower limit) share its moments.
      for (String metric : guardrailMetrics) {
        Double v = observation.guardrails().get(metric);
        if (v != null && Double.isFinite(v)) {
          a.guardrail(metric).add(v);
        }
      }
    }
  }

  /** Episodes recorded over all arms. */
  public long episodes() {
    long n = 0;
    for (ArmStats a : stats.values()) {
      n += a.primary.n();
    }
    return n;
  }

  /**
   * The statistics now and the decision, made at the first look where its rule holds and kept from then on, with one
   * exception: a guardrail breached after a WINNER or NO_DIFFERENCE verdict replaces it with a ROLLBACK.
   */
  public Evaluation evaluate(long nowMs) {
    int k = arms.length;
    ArmStats[] a = new ArmStats[k];
    long[] counts = new long[k];
    long total = 0;
    boolean ready = true;
    boolean allCovariates = covariate != null;
    for (int i = 0; i < k; i++) {
      a[i] = stats.get(arms[i]);
      counts[i] = a[i].primary.n();
      total += counts[i];
      ready &= counts[i] >= minEpisodes;
      allCovariates &= a[i].missingCovariates == 0 && counts[i] >= 2;
    }
    Srm.Result srmTest = Srm.test(counts, shares);
    double srmP = srmTest.pValue();
    boolean srm = srmP < SRM_THRESHOLD;

    // The primary metric per arm as the comparisons use it: CUPED-adjusted when every episode had the covariate.
    double[] mean = new double[k];
    double[] variance = new double[k];
    double[] rawVariance = new double[k];
    boolean cuped = false;
    if (allCovariates) {
      List<Moments> ms = new ArrayList<>(k);
      for (ArmStats s : a) {
        ms.add(s.primary);
      }
      double m2x = 0;
      for (Moments m : ms) {
        m2x += m.m2X();
      }
      if (m2x > 0) {
        cuped = true;
        double theta = Cuped.theta(ms);
        double mx = Cuped.pooledMeanX(ms);
        for (int i = 0; i < k; i++) {
          Cuped.Adjusted adj = Cuped.adjust(ms.get(i), theta, mx);
          mean[i] = adj.mean();
          variance[i] = adj.variance();
        }
      }
    }
    for (int i = 0; i < k; i++) {
      rawVariance[i] = a[i].primary.varianceY();
      if (!cuped) {
        mean[i] = a[i].primary.meanY();
        variance[i] = rawVariance[i];
      }
    }

    List<ArmSummary> summaries = new ArrayList<>(k);
    GuardrailStatus breachedStatus = null;
    String breachedArm = null;
    for (int i = 0; i < k; i++) {
      ArmStats s = a[i];
      long n = counts[i];
      double m = s.primary.meanY();
      double var = s.primary.varianceY();
      double v = n < 2 ? Double.NaN : var / n;
      Interval ci = FixedHorizon.intervalWithZ(m, v, zArm);
      Interval cs = Msprt.confidenceSequence(m, v, mde, alpha);
      List<GuardrailStatus> gs = new ArrayList<>(guardrails.size());
      for (int g = 0; g < guardrails.size(); g++) {
        Guardrail gr = guardrails.get(g);
        Moments gm = s.guardrails.get(gr.getMetric());
        GuardrailStatus st = guardrailStatus(gr, guardrailTau[g], gm);
        gs.add(st);
        if (st.breached() && i != control && breachedStatus == null) {
          breachedStatus = st;
          breachedArm = arms[i];
        }
      }
      summaries.add(new ArmSummary(arms[i], n, m, var, ci.low(), ci.high(), cs.low(), cs.high(),
          s.reward.meanY(), n == 0 ? Double.NaN : (double) s.successes / n,
          total == 0 ? Double.NaN : (double) n / total, shares[i], List.copyOf(gs)));
    }

    List<Comparison> comparisons = new ArrayList<>(k - 1);
    long horizon = 0;
    for (int i = 0; i < k; i++) {
      if (i == control) {
        continue;
      }
      long nT = counts[i];
      long nC = counts[control];
      double delta = mean[i] - mean[control];
      double v = nT < 2 || nC < 2 ? Double.NaN : variance[i] / nT + variance[control] / nC;
      double rawV = nT < 2 || nC < 2 ? Double.NaN : rawVariance[i] / nT + rawVariance[control] / nC;
      double p = minP.getOrDefault(arms[i], 1.0);
      if (ready) {
        p = Msprt.runningMin(p, Msprt.pValue(delta, v, mde));
        minP.put(arms[i], p);
      }
      Interval cs = Msprt.confidenceSequence(delta, v, mde, comparisonAlpha);
      double fixedP = FixedHorizon.pValue(delta, v);
      Interval ci = FixedHorizon.intervalWithZ(delta, v, zComparison);
      double reduction = cuped ? Cuped.varianceReduction(rawV, v) : 0;
      long h = horizon(variance[i], variance[control]);
      horizon = Math.max(horizon, h);
      comparisons.add(new Comparison(arms[i], arms[control], delta, p, cs.low(), cs.high(), fixedP, ci.low(),
          ci.high(), reduction, h));
    }

    if (decision == null) {
      decision = decide(nowMs, total, counts, ready, srmTest, srm, breachedArm, breachedStatus, comparisons,
          horizon, cuped);
    } else if (ready && breachedStatus != null && (decision.kind() == DecisionKind.WINNER
        || decision.kind() == DecisionKind.NO_DIFFERENCE)) {
      // Guardrails keep watch after a verdict, as they do after a launch: a breach found later still rolls the arm
      // back. The verdict stays on record; the rollback is the experiment's decision from now on.
      decision = rollback(nowMs, total, breachedArm, breachedStatus, comparisons);
    }
    return new Evaluation(experiment.getExperimentId(), nowMs, total, List.copyOf(summaries),
        List.copyOf(comparisons), srmP, srm, Optional.ofNullable(decision));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private Decision decide(long nowMs, long total, long[] counts, boolean ready, Srm.Result srmTest, boolean srm,
                          String breachedArm, GuardrailStatus breached, List<Comparison> comparisons, long horizon,
                          boolean cuped) {
    int k = arms.length;
    Comparison only = comparisons.size() == 1 ? comparisons.get(0) : null;
    if (srm && (ready || total >= (long) k * minEpisodes)) {
      StringBuilder observed = new StringBuilder();
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < k; i++) {
        String sep = i == 0 ? "" : ", ";
        observed.append(sep).append(arms[i]).append('=').append(counts[i]);
        expected.append(sep).append(arms[i]).append('=').append(fmt("%.1f", total * shares[i]))
            .append(fmt(" (%.1f%%)", 100 * shares[i]));
      }
      return decision(DecisionKind.SAMPLE_RATIO_MISMATCH, null, fmt("sample ratio mismatch: observed episodes %s "
              + "against expected %s; chi-square %.2f with %d df, p=%.3g < %s: the assignment or the logging is "
              + "broken, no verdict can be trusted", observed, expected, srmTest.chiSquare(), srmTest.df(),
          srmTest.pValue(), SRM_THRESHOLD), nowMs, total, only);
    }
    if (ready && breached != null) {
      return rollback(nowMs, total, breachedArm, breached, comparisons);
    }
    if (ready) {
      Comparison best = null;
      for (Comparison c : comparisons) {
        if (c.alwaysValidP() < comparisonAlpha && (best == null || c.alwaysValidP() < best.alwaysValidP())) {
          best = c;
        }
      }
      if (best != null) {
        boolean treatmentWins = best.effect() > 0;
        String winner = treatmentWins ? best.arm() : best.control();
        String loser = treatmentWins ? best.control() : best.arm();
        return decision(DecisionKind.WINNER, winner, fmt("%s%s beats %s on %s: effect %+.4g (%s - %s), "
                + "always-valid %s%% confidence sequence [%.4g, %.4g], always-valid p=%.3g < %s%s",
            treatmentWins ? "" : "the control ", winner, loser, experiment.getPrimaryMetric(), best.effect(),
            best.arm(), best.control(), level(comparisonAlpha), best.csLow(), best.csHigh(), best.alwaysValidP(),
            fmt("%.4g", comparisonAlpha), cuped ? fmt(" (CUPED on %s, variance reduction %.0f%%)", covariate,
                100 * best.varianceReduction()) : ""), nowMs, total, best);
      }
      if (horizon > 0) {
        boolean reached = true;
        for (long n : counts) {
          reached &= n >= horizon;
        }
        if (reached) {
          Comparison closest = null;
          for (Comparison c : comparisons) {
            if (closest == null || c.alwaysValidP() < closest.alwaysValidP()) {
              closest = c;
            }
          }
          return decision(DecisionKind.NO_DIFFERENCE, null, fmt("every arm reached the horizon of %d episodes "
                  + "without a significant difference on %s%s", horizon, experiment.getPrimaryMetric(),
              closest == null ? "" : fmt(" (%s - %s: effect %+.4g, always-valid %s%% confidence sequence "
                      + "[%.4g, %.4g], always-valid p=%.3g >= %s)", closest.arm(), closest.control(),
                  closest.effect(), level(comparisonAlpha), closest.csLow(), closest.csHigh(),
                  closest.alwaysValidP(), fmt("%.4g", comparisonAlpha))), nowMs, total, closest);
        }
      }
    }
    if (experiment.getStatus() == ExperimentStatus.STOPPED) {
      String why = experiment.getStatusReason();
      return decision(DecisionKind.STOPPED, null, "stopped by the user before a decision"
          + (why == null || why.isBlank() ? "" : ": " + why), nowMs, total, only);
    }
    if (experiment.getStopAt() != null && nowMs >= experiment.getStopAt().toEpochMilli()) {
      return decision(DecisionKind.STOPPED, null, "stopped at its stopAt " + experiment.getStopAt()
          + " before a decision", nowMs, total, only);
    }
    return null;
  }

  private Decision rollback(long nowMs, long total, String breachedArm, GuardrailStatus breached,
                            List<Comparison> comparisons) {
    Comparison c = comparisons.stream().filter(x -> x.arm().equals(breachedArm)).findFirst().orElse(null);
    boolean atMost = breached.direction() == GuardrailDirection.AT_MOST;
    return decision(DecisionKind.ROLLBACK, breachedArm, fmt("guardrail %s %s %s breached on arm %s: mean %.4g "
            + "over %d episodes, always-valid %s%% confidence sequence [%.4g, %.4g] lies entirely %s the limit %s",
        breached.metric(), breached.direction(), breached.limit(), breachedArm, breached.mean(),
        breached.episodes(), level(alpha), breached.csLow(), breached.csHigh(), atMost ? "above" : "below",
        breached.limit()), nowMs, total, c);
  }

  private static Decision decision(DecisionKind kind, String arm, String reason, long nowMs, long total,
                                   Comparison c) {
    return new Decision(kind, arm, reason, nowMs, total, c == null ? null : finite(c.effect()),
        c == null ? null : finite(c.csLow()), c == null ? null : finite(c.csHigh()),
        c == null ? null : finite(c.alwaysValidP()));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private GuardrailStatus guardrailStatus(Guardrail g, double tau, Moments m) {
    long n = m == null ? 0 : m.n();
    double mean = n == 0 ? Double.NaN : m.meanY();
    double v = n < 2 ? Double.NaN : m.varianceY() / n;
    Interval cs = Msprt.confidenceSequence(mean, v, tau, alpha);
    boolean breached = n >= minEpisodes && (g.getDirection() == GuardrailDirection.AT_LEAST
        ? cs.high() < g.getLimit() : cs.low() > g.getLimit());
    return new GuardrailStatus(g.getMetric(), g.getDirection(), g.getLimit(), n, mean, cs.low(), cs.high(),
        breached);
  }

  /** Episodes per arm at which the comparison stops without a verdict (0 while the variance is unknown). */
  private long horizon(double varianceT, double varianceC) {
    Long max = experiment.getMaxEpisodesPerArm();
    if (max != null) {
      return max;
    }
    double pooled = 0.5 * (varianceT + varianceC);
    if (Double.isNaN(pooled)) {
      return 0;
    }
    long fixed = FixedHorizon.sampleSize(sampleSizeFactor, mde, pooled);
    return Math.max(minEpisodes, (long) Math.ceil(HORIZON_FACTOR * fixed));
  }

  private void configure(Experiment e) {
    String id = e.getExperimentId();
    List<ExperimentArm> list = e.getArms();
    if (list == null || list.size() < 2) {
      throw new IllegalArgumentException("experiment " + id + ": arms must name at least two arms");
    }
    String[] names = new String[list.size()];
    double[] weights = new double[list.size()];
    double sum = 0;
    Set<String> seen = new HashSet<>();
    int controlIndex = -1;
    for (int i = 0; i < list.size(); i++) {
      ExperimentArm arm = list.get(i);
      names[i] = arm.getName();
      if (!seen.add(names[i])) {
        throw new IllegalArgumentException("experiment " + id + ": arm '" + names[i] + "' appears twice in arms");
      }
      weights[i] = arm.getWeight();
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("experiment " + id + ": arm '" + names[i]
            + "' has an invalid weight " + weights[i] + " (weights must be finite and >= 0)");
      }
      sum += weights[i];
      if (names[i].equals(e.getControlArm())) {
        controlIndex = i;
      }
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("experiment " + id + ": the arms' weights sum to " + sum
          + "; at least one must be positive");
    }
    if (controlIndex < 0) {
      throw new IllegalArgumentException("experiment " + id + ": controlArm '" + e.getControlArm()
          + "' is not one of the arms " + String.join(", ", names));
    }
    String metric = e.getPrimaryMetric();
    if (!MEAN_REWARD.equals(metric) && !SUCCESS_RATE.equals(metric)) {
      throw new IllegalArgumentException("experiment " + id + ": primaryMetric must be " + MEAN_REWARD + " or "
          + SUCCESS_RATE + ", got '" + metric + "'");
    }
    double a = e.getAlpha();
    if (!(a > 0 && a < 1)) {
      throw new IllegalArgumentException("experiment " + id + ": alpha must lie in (0, 1), got " + a);
    }
    double pw = e.getPower();
    if (!(pw > 0 && pw < 1)) {
      throw new IllegalArgumentException("experiment " + id + ": power must lie in (0, 1), got " + pw);
    }
    double effect = e.getMinimumDetectableEffect();
    if (!(effect > 0) || Double.isInfinite(effect)) {
      throw new IllegalArgumentException("experiment " + id + ": minimumDetectableEffect must be positive and "
          + "finite, got " + effect);
    }
    List<Guardrail> gs = e.getGuardrails() == null ? List.of() : List.copyOf(e.getGuardrails());
    double[] taus = new double[gs.size()];
    for (int g = 0; g < gs.size(); g++) {
      double limit = gs.get(g).getLimit();
      if (!Double.isFinite(limit)) {
        throw new IllegalArgumentException("experiment " + id + ": guardrail " + gs.get(g).getMetric()
            + " has a non-finite limit");
      }
      taus[g] = Math.max(0.1 * Math.abs(limit), 1e-3);
    }

    this.experiment = e;
    this.arms = names;
    this.shares = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      shares[i] = weights[i] / sum;
    }
    this.control = controlIndex;
    this.successMetric = SUCCESS_RATE.equals(metric);
    this.covariate = e.getCupedCovariate();
    this.alpha = a;
    this.comparisonAlpha = a / (names.length - 1);
    this.mde = effect;
    this.minEpisodes = Math.max(2, e.getMinEpisodesPerArm());
    this.zArm = Normal.quantile(1 - a / 2);
    this.zComparison = Normal.quantile(1 - comparisonAlpha / 2);
    this.sampleSizeFactor = FixedHorizon.sampleSizeFactor(comparisonAlpha, pw);
    this.guardrails = gs;
    this.guardrailMetrics = gs.stream().map(Guardrail::getMetric).distinct().toList();
    this.guardrailTau = taus;
    Map<String, ArmStats> kept = new LinkedHashMap<>();
    for (String name : names) {
      kept.put(name, stats.getOrDefault(name, new ArmStats()));
    }
    stats.clear();
    stats.putAll(kept);
    minP.keySet().retainAll(stats.keySet());
  }

  /** Throws when {@code experiment} measures another primary metric or covariate than the statistics hold. */
  private static void checkCompatible(Experiment experiment, String primaryMetric, String cupedCovariate) {
    if (!experiment.getPrimaryMetric().equals(primaryMetric)) {
      throw new IllegalArgumentException("experiment " + experiment.getExperimentId() + ": primaryMetric cannot "
          + "change from '" + primaryMetric + "' to '" + experiment.getPrimaryMetric() + "' while it runs");
    }
    if (!Objects.equals(cupedCovariate, experiment.getCupedCovariate())) {
      throw new IllegalArgumentException("experiment " + experiment.getExperimentId() + ": cupedCovariate cannot "
          + "change from '" + cupedCovariate + "' to '" + experiment.getCupedCovariate() + "' while it runs");
    }
  }

  /** The confidence level in percent for alpha, e.g. 95 or 97.5. */
  private static String level(double alpha) {
    double l = 100 * (1 - alpha);
    return l == Math.rint(l) ? Long.toString((long) l) : fmt("%.4g", l);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
