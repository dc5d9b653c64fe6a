package io.shiq.ab.stats;

/**
 * The log-gamma function and the regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x), the
 * basis of {@link ChiSquare} and {@link Normal}: a power series where x &lt; a + 1, otherwise a continued fraction
 * evaluated by the modified Lentz method (Numerical Recipes, 3rd ed., section 6.2). Each is accurate to about 1e-15
 * relative, also far in the upper tail, because Q is computed directly there rather than as 1 - P.
 */
final class Gamma {
  private static final double EPS = 1e-16;
  private static final double FPMIN = Double.MIN_NORMAL / EPS;
  private static final int MAX_ITERATIONS = 10_000;
  /** Lanczos coefficients (g = 7, n = 9), as in Numerical Recipes and Boost. */
  private static final double[] LANCZOS = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
      12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  private static final double HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double LN_SQRT_PI = 0.5 * Math.log(Math.PI);

  private Gamma() {}

  /** ln Gamma(a) for a &gt; 0. */
  static double logGamma(double a) {
    if (!(a > 0)) {
      throw new IllegalArgumentException("logGamma needs a > 0, got " + a);
    }
    if (a == 0.5) {
      return LN_SQRT_PI;
    }
    if (a == 1 || a == 2) {
      return 0;
    }
    if (a < 0.5) { // reflection keeps the Lanczos sum in its accurate range
      return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
    }
    double x = a - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (x + i);
    }
    double t = x + 7.5;
    return HALF_LN_2PI + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  /** The regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a). */
  static double upperRegularized(double a, double x) {
    check(a, x);
    if (x == 0) {
      return 1;
    }
    if (Double.isInfinite(x)) {
      return 0;
    }
    return x < a + 1 ? 1 - series(a, x) : continuedFraction(a, x);
  }

  /** The regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a). */
  static double lowerRegularized(double a, double x) {
    check(a, x);
    if (x == 0) {
      return 0;
    }
    if (Double.isInfinite(x)) {
      return 1;
    }
    return x < a + 1 ? series(a, x) : 1 - continuedFraction(a, x);
  }

  private static void check(double a, double x) {
    if (!(a > 0) || !(x >= 0)) {
      throw new IllegalArgumentException("incomplete gamma needs a > 0 and x >= 0, got a=" + a + " x=" + x);
    }
  }

  /** P(a, x) by its power series. */
  private static double series(double a, double x) {
    double ap = a;
    double del = 1.0 / a;
    double sum = del;
    for (int i = 0; i < MAX_ITERATIONS; i++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  /** Q(a, x) by its continued fraction (modified Lentz). */
  private static double continuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / FPMIN;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < FPMIN) {
        d = FPMIN;
      }
      c = b + an / c;
      if (Math.abs(c) < FPMIN) {
        c = FPMIN;
      }
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < EPS) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }
}
