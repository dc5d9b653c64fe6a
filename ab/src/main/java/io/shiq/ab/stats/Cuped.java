package io.shiq.ab.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * CUPED (A. Deng, Y. Xu, R. Kohavi, T. Walker, "Improving the sensitivity of online controlled experiments by
 * utilizing pre-experiment data", WSDM 2013): each arm's metric y is replaced by y - theta (x - mean x) with x a
 * covariate measured before the experiment (so it is independent of the assignment), which leaves the difference of
 * arm means unbiased and shrinks its variance by the factor 1 - rho^2.
 *
 * <p>theta = Cov(Y, X) / Var(X) is estimated pooled over the arms from the within-arm co-moments,
 * theta = sum_arms C_xy / sum_arms M2_x, so that a treatment effect on y (a shift between arm means) does not leak
 * into it. With the overall mean of x over all arms, an arm's adjusted mean is mean_y - theta (mean_x_arm -
 * mean_x_pooled) and its adjusted variance var_y - 2 theta cov_xy + theta^2 var_x (the sample variance of
 * y - theta x).
 */
public final class Cuped {
  private Cuped() {}

  /** One arm after the adjustment. */
  public record Adjusted(long n, double mean, double variance) {}

  /** theta and the adjusted arms, in the order given. */
  public record Result(double theta, double pooledMeanX, List<Adjusted> arms) {}

  /** theta = sum C_xy / sum M2_x over the arms (0 when x does not vary). */
  public static double theta(List<Moments> arms) {
    double c = 0;
    double m2 = 0;
    for (Moments m : arms) {
      c += m.cXY();
      m2 += m.m2X();
    }
    return m2 > 0 ? c / m2 : 0;
  }

  /** The mean of x over all arms' observations (NaN when there is none). */
  public static double pooledMeanX(List<Moments> arms) {
    double sum = 0;
    long n = 0;
    for (Moments m : arms) {
      if (m.n() > 0) {
        sum += m.meanX() * m.n();
        n += m.n();
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** One arm adjusted with a given theta and pooled mean of x. */
  public static Adjusted adjust(Moments arm, double theta, double pooledMeanX) {
    if (arm.n() == 0) {
      return new Adjusted(0, Double.NaN, Double.NaN);
    }
    double mean = arm.meanY() - theta * (arm.meanX() - pooledMeanX);
    double variance = arm.n() < 2 ? Double.NaN
        : Math.max(0, arm.varianceY() - 2 * theta * arm.covariance() + theta * theta * arm.varianceX());
    return new Adjusted(arm.n(), mean, variance);
  }

  public static Result apply(List<Moments> arms) {
    double theta = theta(arms);
    double mx = pooledMeanX(arms);
    List<Adjusted> out = new ArrayList<>(arms.size());
    for (Moments m : arms) {
      out.add(adjust(m, theta, mx));
    }
    return new Result(theta, mx, List.copyOf(out));
  }

  /** 1 - adjusted / raw, for variances of the same estimate (0 when raw is 0 or unknown). */
  public static double varianceReduction(double rawVariance, double adjustedVariance) {
    if (!(rawVariance > 0) || Double.isNaN(adjustedVariance)) {
      return 0;
    }
    return 1 - adjustedVariance / rawVariance;
  }
}
