package io.shiq.ab.ope;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The estimators' arithmetic on per-token numbers, free of models, so that it can be checked on hand-built arrays.
 *
 * <p>Per episode i with action tokens t = 1..T, target log-probs ln pi(a_t|s_t), behaviour log-probs
 * ln mu(a_t|s_t), rewards r_t and value estimates Vhat(s_t):
 * <pre>
 *   rho_t = pi(a_t|s_t) / mu(a_t|s_t)
 *   w_t   = min(prod_{k<=t} rho_k, cap),   w_0 = 1             (computed in log space)
 *   W_i   = w_T,  R_i = sum_t r_t
 *   IS    = mean_i W_i R_i
 *   SNIS  = sum_i W_i R_i / sum_i W_i
 *   DR_i  = sum_t w_t r_t + sum_t (w_{t-1} - w_t) Vhat(s_t)     DR = mean_i DR_i
 * </pre>
 * DR is the per-decision doubly robust estimator of Jiang and Li (2016, "Doubly robust off-policy value evaluation for
 * reinforcement learning", ICML 2016) with Q-hat(s_t, a_t) taken equal to Vhat(s_t): its recursion
 * DR_t = Vhat(s_t) + rho_t (r_t + DR_{t+1} - Q-hat(s_t, a_t)) unrolls to the form above. It stays unbiased for any Vhat
 * because Vhat(s_t) is fixed once s_t is, and E_mu[w_t | s_t] = w_{t-1} E_mu[rho_t | s_t] = w_{t-1} when the ratios are
 * exact and mu covers pi, so every control-variate term (w_{t-1} - w_t) Vhat(s_t) has mean zero; with Vhat = 0 DR is
 * per-decision importance sampling. It has less variance the closer Vhat(s_t) is to the target's expected
 * reward-to-go from s_t: the term then cancels the fluctuation that the random weights put on the rewards to come.
 * Q-hat = Vhat is the policy-expectation form of ShiQ's soft-Bellman readout: with q = beta (l - l_ref) and
 * V = beta (logsumexp l - logsumexp l_ref), q(s,a) - beta ln(pi/pi_ref)(a|s) = V(s) for every a. It satisfies
 * Vhat(s) = E_pi[Q-hat(s,.)], which Jiang and Li's unbiasedness argument assumes, exactly and without a Q head.
 *
 * <p>Capping the weights (Ionides 2008, truncated importance sampling) bounds the variance at the price of a bias
 * towards the behaviour's value; it also breaks the zero mean of the control variate on capped episodes, so
 * {@link OffPolicyEstimate#capped()} says how much of the estimate that concerns.
 *
 * <p>Intervals are normal approximations over episodes with level 1 - alpha: IS, DR and the on-policy mean by the
 * sample standard deviation of their per-episode terms; SNIS, a ratio, by the delta method,
 * se^2 = sum_i W_i^2 (R_i - SNIS)^2 / (sum_i W_i)^2 (times n / (n - 1)). With resamples > 0 a percentile bootstrap
 * over episodes is added (seeded, so the same data give the same interval).
 */
public final class OpeMath {
  private OpeMath() {}

  /**
   * The per-episode quantities the estimates average.
   *
   * @param weight         W = w_T, capped
   * @param logWeight      ln prod_t rho_t, uncapped
   * @param episodeReturn  R = sum_t r_t
   * @param drReturn       DR_i
   * @param controlVariate sum_t (w_{t-1} - w_t) Vhat(s_t), the part of DR_i that Vhat adds
   * @param capped         some cumulative weight w_t exceeded the cap
   * @param maxAbsLogRatio max_t |ln rho_t|
   */
  public record EpisodeTerms(String trajectoryId, double weight, double logWeight, double episodeReturn,
                             double drReturn, double controlVariate, boolean capped, double maxAbsLogRatio,
                             int actions) {}

  /**
   * The terms of one episode.
   *
   * @param lnPi      ln pi(a_t|s_t) per action token
   * @param lnMu      ln mu(a_t|s_t) per action token
   * @param rewards   r_t per action token
   * @param values    Vhat(s_t) per action token, or null for Vhat = 0 (DR is then per-decision IS)
   * @param weightCap cap on every cumulative weight w_t, > 0 (infinite: none)
   */
  public static EpisodeTerms episode(String trajectoryId, double[] lnPi, double[] lnMu, double[] rewards,
                                     double[] values, double weightCap) {
    int n = lnPi.length;
    if (lnMu.length != n || rewards.length != n || (values != null && values.length != n)) {
      throw new IllegalArgumentException("episode " + trajectoryId + ": per-token arrays of different lengths");
    }
    if (!(weightCap > 0)) {
      throw new IllegalArgumentException("weight cap must be > 0, got " + weightCap);
    }
    double logCap = Math.log(weightCap);
    double logW = 0;
    double previous = 1;
    double pdis = 0;
    double control = 0;
    double ret = 0;
    double maxAbs = 0;
    boolean capped = false;
    for (int t = 0; t < n; t++) {
      double logRho = lnPi[t] - lnMu[t];
      maxAbs = Math.max(maxAbs, Math.abs(logRho));
      logW += logRho;
      if (logW > logCap) {
        capped = true;
      }
      double w = Math.exp(Math.min(logW, logCap));
      pdis += w * rewards[t];
      if (values != null) {
        control += (previous - w) * values[t];
      }
      ret += rewards[t];
      previous = w;
    }
    return new EpisodeTerms(trajectoryId, n == 0 ? 1 : previous, logW, ret, pdis + control, control, capped, maxAbs,
        n);
  }

  /** Estimates over {@code episodes} (beta NaN, nothing skipped: the caller adds what it knows). */
  public static OffPolicyEstimate estimate(List<EpisodeTerms> episodes, double weightCap, double alpha,
                                           int resamples, long seed) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    if (resamples < 0) {
      throw new IllegalArgumentException("bootstrap resamples must be >= 0, got " + resamples);
    }
    int n = episodes.size();
    double[] w = new double[n];
    double[] r = new double[n];
    double[] dr = new double[n];
    int capped = 0;
    for (int i = 0; i < n; i++) {
      EpisodeTerms e = episodes.get(i);
      w[i] = e.weight();
      r[i] = e.episodeReturn();
      dr[i] = e.drReturn();
      capped += e.capped() ? 1 : 0;
    }
    double z = normalQuantile(1 - alpha / 2);
    double sumW = 0;
    double sumW2 = 0;
    double maxW = 0;
    double[] wr = new double[n];
    for (int i = 0; i < n; i++) {
      sumW += w[i];
      sumW2 += w[i] * w[i];
      maxW = Math.max(maxW, w[i]);
      wr[i] = w[i] * r[i];
    }
    double[][] boot = resamples > 0 && n > 0 ? bootstrap(w, r, dr, resamples, seed, alpha) : null;
    OffPolicyEstimate.Interval is = mean(wr, z, boot == null ? null : boot[0]);
    OffPolicyEstimate.Interval snis = snis(w, r, z, boot == null ? null : boot[1]);
    OffPolicyEstimate.Interval doublyRobust = mean(dr, z, boot == null ? null : boot[2]);
    OffPolicyEstimate.Interval onPolicy = mean(r, z, boot == null ? null : boot[3]);
    double ess = sumW2 > 0 ? sumW * sumW / sumW2 : n == 0 ? 0 : Double.NaN;
    return new OffPolicyEstimate(n, n, is, snis, doublyRobust, onPolicy, ess, sumW > 0 ? maxW / sumW : Double.NaN,
        n > 0 ? sumW / n : Double.NaN, capped, 0, alpha, Double.NaN, weightCap, List.of());
  }

  private static OffPolicyEstimate.Interval mean(double[] x, double z, double[] boot) {
    int n = x.length;
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double mean = n == 0 ? Double.NaN : sum / n;
    double se = Double.NaN;
    if (n > 1) {
      double ss = 0;
      for (double v : x) {
        ss += (v - mean) * (v - mean);
      }
      se = Math.sqrt(ss / (n - 1) / n);
    }
    return interval(mean, se, z, boot);
  }

  private static OffPolicyEstimate.Interval snis(double[] w, double[] r, double z, double[] boot) {
    double sumW = 0;
    double sumWr = 0;
    for (int i = 0; i < w.length; i++) {
      sumW += w[i];
      sumWr += w[i] * r[i];
    }
    double est = sumW > 0 ? sumWr / sumW : Double.NaN;
    double se = Double.NaN;
    if (w.length > 1 && sumW > 0) {
      double ss = 0;
      for (int i = 0; i < w.length; i++) {
        double d = w[i] * (r[i] - est);
        ss += d * d;
      }
      // Delta method, with the n/(n-1) small-sample correction of the plain mean's variance.
      se = Math.sqrt(ss * w.length / (w.length - 1.0)) / sumW;
    }
    return interval(est, se, z, boot);
  }

  private static OffPolicyEstimate.Interval interval(double est, double se, double z, double[] boot) {
    return new OffPolicyEstimate.Interval(est, se, est - z * se, est + z * se,
        boot == null ? Double.NaN : boot[0], boot == null ? Double.NaN : boot[1]);
  }

  /** Percentile intervals {low, high} of IS, SNIS, DR and the on-policy mean over episode resamples. */
  private static double[][] bootstrap(double[] w, double[] r, double[] dr, int resamples, long seed, double alpha) {
    int n = w.length;
    double[][] stats = new double[4][resamples];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int b = 0; b < resamples; b++) {
      double sw = 0;
      double swr = 0;
      double sdr = 0;
      double sr = 0;
      for (int k = 0; k < n; k++) {
        int i = rnd.nextInt(n);
        sw += w[i];
        swr += w[i] * r[i];
        sdr += dr[i];
        sr += r[i];
      }
      stats[0][b] = swr / n;
      stats[1][b] = sw > 0 ? swr / sw : Double.NaN;
      stats[2][b] = sdr / n;
      stats[3][b] = sr / n;
    }
    double[][] out = new double[4][];
    for (int s = 0; s < 4; s++) {
      double[] v = Arrays.stream(stats[s]).filter(Double::isFinite).sorted().toArray();
      out[s] = v.length == 0 ? new double[] {Double.NaN, Double.NaN}
          : new double[] {quantile(v, alpha / 2), quantile(v, 1 - alpha / 2)};
    }
    return out;
  }

  /** Linear interpolation between order statistics of sorted {@code v}. */
  static double quantile(double[] v, double q) {
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }

  /**
   * The standard normal quantile: Acklam's rational approximation (relative error below 1.2e-9, ample for interval
   * half-widths).
   */
  public static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1), got " + p);
    }
    final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
      double q = Math.sqrt(-2 * Math.log(p));
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
      double q = p - 0.5;
      double rr = q * q;
      x = (((((a[0] * rr + a[1]) * rr + a[2]) * rr + a[3]) * rr + a[4]) * rr + a[5]) * q
          / (((((b[0] * rr + b[1]) * rr + b[2]) * rr + b[3]) * rr + b[4]) * rr + 1);
    }
    return x;
  }
}
