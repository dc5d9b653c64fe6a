package io.shiq.ab.stats;

/** The chi-square distribution's upper tail, by the regularized incomplete gamma function: P(X &gt; x) = Q(df/2, x/2). */
public final class ChiSquare {
  private ChiSquare() {}

  /** P(X &gt; x) for X ~ chi-square with {@code df} &gt;= 1 degrees of freedom (1 for x &lt;= 0). */
  public static double upperTailP(double x, int df) {
    if (df < 1) {
      throw new IllegalArgumentException("chi-square needs df >= 1, got " + df);
    }
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x <= 0) {
      return 1;
    }
    return Gamma.upperRegularized(0.5 * df, 0.5 * x);
  }

  /** P(X &lt;= x). */
  public static double cdf(double x, int df) {
    if (df < 1) {
      throw new IllegalArgumentException("chi-square needs df >= 1, got " + df);
    }
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    return x <= 0 ? 0 : Gamma.lowerRegularized(0.5 * df, 0.5 * x);
  }
}
