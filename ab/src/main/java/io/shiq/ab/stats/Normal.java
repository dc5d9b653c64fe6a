package io.shiq.ab.stats;

/**
 * The standard normal distribution: cdf, upper tail, two-sided p-value and quantile (inverse cdf).
 *
 * <p>The cdf comes from the incomplete gamma function, Phi(z) = Q(1/2, z^2/2)/2 for z &lt; 0 (about 1e-15 relative,
 * tails included). The quantile is P. J. Acklam's rational approximation (relative error below 1.15e-9) refined by
 * one step of Halley's method on the cdf, which brings it to about 1e-15.
 */
public final class Normal {
  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

  private static final double[] A = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  private static final double[] B = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01};
  private static final double[] C = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  private static final double[] D = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00};
  private static final double P_LOW = 0.02425;

  private Normal() {}

  /** The density phi(z). */
  public static double pdf(double z) {
    return Math.exp(-0.5 * z * z) / SQRT_2PI;
  }

  /** Phi(z) = P(Z &lt;= z). */
  public static double cdf(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    return z < 0 ? lowerTail(z) : 1 - lowerTail(-z);
  }

  /** 1 - Phi(z) = P(Z &gt; z), accurate in the upper tail. */
  public static double upperTail(double z) {
    return cdf(-z);
  }

  /** The two-sided p-value of a z statistic: P(|Z| &gt;= |z|). */
  public static double twoSidedP(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    return Gamma.upperRegularized(0.5, 0.5 * z * z);
  }

  /** Phi^-1(p) for 0 &lt; p &lt; 1 (-infinity at 0, +infinity at 1). */
  public static double quantile(double p) {
    if (Double.isNaN(p) || p < 0 || p > 1) {
      throw new IllegalArgumentException("quantile needs 0 <= p <= 1, got " + p);
    }
    if (p == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double x;
    if (p < P_LOW) {
      double q = Math.sqrt(-2 * Math.log(p));
      x = tail(q);
    } else if (p <= 1 - P_LOW) {
      double q = p - 0.5;
      double r = q * q;
      x = (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
          / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    } else {
      double q = Math.sqrt(-2 * Math.log1p(-p));
      x = -tail(q);
    }
    // One Halley step: e = Phi(x) - p, computed on the side of the smaller tail to keep its precision.
    double e = x < 0 ? lowerTail(x) - p : (1 - p) - lowerTail(-x);
    double u = e * SQRT_2PI * Math.exp(0.5 * x * x);
    return x - u / (1 + 0.5 * x * u);
  }

  private static double tail(double q) {
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
        / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }

  /** Phi(z) for z &lt;= 0. */
  private static double lowerTail(double z) {
    return 0.5 * Gamma.upperRegularized(0.5, 0.5 * z * z);
  }
}
