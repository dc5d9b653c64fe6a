package io.shiq.ab.stats;

/**
 * The mixture sequential probability ratio test (mSPRT) with a normal mixing distribution, for a mean or a
 * difference of means, as in R. Johari, P. Koomen, L. Pekelis and D. Walsh, "Always valid inference: continuous
 * monitoring of A/B tests", Operations Research 70(3), 2022 (arXiv:1512.04922, 2015/2019), section 4 and
 * appendix "the normal mixture", the test behind Optimizely's Stats Engine and Eppo's sequential analysis.
 *
 * <p>With an estimate {@code delta} whose sampling variance is {@code V} (two samples: delta = mean_T - mean_C and
 * V = var_T/n_T + var_C/n_C; one sample: delta = mean - theta0 and V = var/n) and the mixing distribution
 * N(0, tau^2) over the true value under the alternative, the mixture likelihood ratio against H0: delta = 0 is
 *
 * <pre>
 *   Lambda = sqrt(V / (V + tau^2)) * exp( tau^2 delta^2 / (2 V (V + tau^2)) ).
 * </pre>
 *
 * Under H0, Lambda is a non-negative martingale with mean 1, so by Ville's inequality P(sup_n Lambda_n &gt;= 1/alpha)
 * &lt;= alpha: the always-valid p-value p_n = min(1, min_{m &lt;= n} 1/Lambda_m) may be watched after every
 * observation. Inverting the test gives the always-valid (1 - alpha) confidence sequence
 *
 * <pre>
 *   delta +- sqrt( V (V + tau^2) / tau^2 * (2 ln(1/alpha) + ln((V + tau^2) / V)) ).
 * </pre>
 *
 * tau is the scale of effects the test is tuned for (it changes power, never validity); the variances are plug-in
 * estimates, which is why callers wait for a minimum sample before trusting the p-value. The limits for V -&gt; 0 are
 * used when V is 0: a zero-width sequence at delta, and Lambda = 0 (delta = 0) or infinity (delta != 0).
 */
public final class Msprt {
  private Msprt() {}

  /** One look of the test: the estimate, its variance, 1/Lambda capped at 1 (not yet minimised over looks), the CS. */
  public record Result(double delta, double variance, double pValue, double csLow, double csHigh) {
    public Interval cs() {
      return new Interval(csLow, csHigh);
    }
  }

  /** ln Lambda for an estimate {@code delta} of variance {@code v} under the N(0, tau^2) mixture. */
  public static double logLikelihoodRatio(double delta, double v, double tau) {
    checkTau(tau);
    if (Double.isNaN(v) || Double.isNaN(delta) || v < 0) {
      return Double.NaN;
    }
    double t2 = tau * tau;
    if (v == 0) {
      return delta == 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return 0.5 * Math.log(v / (v + t2)) + t2 * delta * delta / (2 * v * (v + t2));
  }

  /** min(1, 1/Lambda): the p-value of this look alone (an always-valid p is the running minimum of these). */
  public static double pValue(double delta, double v, double tau) {
    double l = logLikelihoodRatio(delta, v, tau);
    if (Double.isNaN(l)) {
      return Double.NaN;
    }
    return l <= 0 ? 1 : Math.exp(-l);
  }

  /** Half-width of the (1 - alpha) confidence sequence at variance {@code v}. */
  public static double halfWidth(double v, double tau, double alpha) {
    checkTau(tau);
    checkAlpha(alpha);
    if (Double.isNaN(v) || v < 0) {
      return Double.NaN;
    }
    if (v == 0) {
      return 0;
    }
    double t2 = tau * tau;
    return Math.sqrt(v * (v + t2) / t2 * (2 * Math.log(1 / alpha) + Math.log1p(t2 / v)));
  }

  /** The (1 - alpha) confidence sequence around an estimate of variance {@code v}. */
  public static Interval confidenceSequence(double estimate, double v, double tau, double alpha) {
    double h = halfWidth(v, tau, alpha);
    if (Double.isNaN(h) || Double.isNaN(estimate)) {
      return Interval.UNDEFINED;
    }
    return new Interval(estimate - h, estimate + h);
  }

  /** Two samples: treatment minus control, V = var_T/n_T + var_C/n_C. */
  public static Result twoSample(double meanT, double varT, long nT, double meanC, double varC, long nC, double tau,
                                 double alpha) {
    double delta = meanT - meanC;
    double v = nT < 2 || nC < 2 ? Double.NaN : varT / nT + varC / nC;
    return of(delta, v, tau, alpha, 0);
  }

  /** One sample: a mean against {@code theta0} (p-value) and the mean's confidence sequence, V = var/n. */
  public static Result oneSample(double mean, double var, long n, double theta0, double tau, double alpha) {
    double v = n < 2 ? Double.NaN : var / n;
    return of(mean - theta0, v, tau, alpha, theta0);
  }

  /** A look at an estimate {@code delta} (relative to {@code offset}) of variance {@code v}. */
  public static Result of(double delta, double v, double tau, double alpha, double offset) {
    Interval cs = confidenceSequence(delta, v, tau, alpha);
    return new Result(delta, v, pValue(delta, v, tau), cs.low() + offset, cs.high() + offset);
  }

  /** The running minimum of always-valid p-values, ignoring looks without a p-value (NaN). */
  public static double runningMin(double previous, double current) {
    if (Double.isNaN(current)) {
      return previous;
    }
    if (Double.isNaN(previous)) {
      return current;
    }
    return Math.min(previous, current);
  }

  private static void checkTau(double tau) {
    if (!(tau > 0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("mSPRT mixing scale tau must be positive and finite, got " + tau);
    }
  }

  static void checkAlpha(double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must lie in (0, 1), got " + alpha);
    }
  }
}
