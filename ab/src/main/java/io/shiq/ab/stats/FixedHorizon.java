package io.shiq.ab.stats;

/**
 * The classical two-sided z-test for a difference of means with unpooled (Welch-style) variance
 * V = var_T/n_T + var_C/n_C, and the per-arm sample size of a fixed-horizon test. Valid at one pre-planned look
 * only: checked after every episode its false-positive rate grows far beyond alpha (see the ab-calibration
 * benchmark); shiq shows it for reference and decides with {@link Msprt}.
 */
public final class FixedHorizon {
  private FixedHorizon() {}

  /** One look: the difference, its variance, the two-sided p-value and the (1 - alpha) confidence interval. */
  public record Result(double delta, double variance, double pValue, double low, double high) {}

  /** Two-sided p-value of an estimate {@code delta} of variance {@code v} against 0 (NaN when v is unknown). */
  public static double pValue(double delta, double v) {
    if (Double.isNaN(v) || Double.isNaN(delta) || v < 0) {
      return Double.NaN;
    }
    if (v == 0) {
      return delta == 0 ? 1 : 0;
    }
    return Normal.twoSidedP(delta / Math.sqrt(v));
  }

  /** The (1 - alpha) interval estimate +- z_{1-alpha/2} sqrt(v). */
  public static Interval interval(double estimate, double v, double alpha) {
    Msprt.checkAlpha(alpha);
    return intervalWithZ(estimate, v, Normal.quantile(1 - alpha / 2));
  }

  /** The interval estimate +- z sqrt(v) with a precomputed critical value {@code z}. */
  public static Interval intervalWithZ(double estimate, double v, double z) {
    if (Double.isNaN(v) || Double.isNaN(estimate) || v < 0) {
      return Interval.UNDEFINED;
    }
    double h = z * Math.sqrt(v);
    return new Interval(estimate - h, estimate + h);
  }

  public static Result twoSample(double meanT, double varT, long nT, double meanC, double varC, long nC,
                                 double alpha) {
    double delta = meanT - meanC;
    double v = nT < 2 || nC < 2 ? Double.NaN : varT / nT + varC / nC;
    Interval ci = interval(delta, v, alpha);
    return new Result(delta, v, pValue(delta, v), ci.low(), ci.high());
  }

  /** 2 (z_{1-alpha/2} + z_{power})^2: the sample size per arm is this times variance / mde^2. */
  public static double sampleSizeFactor(double alpha, double power) {
    Msprt.checkAlpha(alpha);
    if (!(power > 0 && power < 1)) {
      throw new IllegalArgumentException("power must lie in (0, 1), got " + power);
    }
    double z = Normal.quantile(1 - alpha / 2) + Normal.quantile(power);
    return 2 * z * z;
  }

  /**
   * Episodes per arm for a two-sided level-alpha z-test to detect a difference of {@code mde} with the given power
   * when each arm's metric has {@code variance}: ceil(2 (z_{1-alpha/2} + z_{power})^2 variance / mde^2).
   */
  public static long sampleSizePerArm(double alpha, double power, double mde, double variance) {
    return sampleSize(sampleSizeFactor(alpha, power), mde, variance);
  }

  /** {@link #sampleSizePerArm} with the factor of {@link #sampleSizeFactor} precomputed. */
  public static long sampleSize(double factor, double mde, double variance) {
    if (!(mde != 0) || Double.isNaN(mde) || Double.isInfinite(mde)) {
      throw new IllegalArgumentException("the minimum detectable effect must be non-zero and finite, got " + mde);
    }
    if (!(variance >= 0) || Double.isInfinite(variance)) {
      throw new IllegalArgumentException("variance must be finite and >= 0, got " + variance);
    }
    return (long) Math.ceil(factor * variance / (mde * mde));
  }
}
