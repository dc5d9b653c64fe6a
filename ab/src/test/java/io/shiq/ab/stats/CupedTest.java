package io.shiq.ab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CupedTest {
  /** y = 1 + 2 x + noise (+ effect in the treatment), x ~ N(3, 1): corr(x, y) = 2 / sqrt(5) ~ 0.89. */
  private static Moments[] arms(long seed, int n, double effect) {
    SplittableRandom r = new SplittableRandom(seed);
    Moments c = new Moments();
    Moments t = new Moments();
    for (int i = 0; i < 2 * n; i++) {
      double x = 3 + r.nextGaussian();
      boolean treated = (i & 1) == 1;
      double y = 1 + 2 * x + r.nextGaussian() + (treated ? effect : 0);
      (treated ? t : c).add(y, x);
    }
    return new Moments[] {c, t};
  }

  @Test
  void reducesTheVarianceOfCorrelatedData() {
    Moments[] a = arms(1, 5000, 0.5);
    Cuped.Result r = Cuped.apply(List.of(a));
    assertEquals(2.0, r.theta(), 0.05);
    double raw = a[0].varianceY() / a[0].n() + a[1].varianceY() / a[1].n();
    double adj = r.arms().get(0).variance() / a[0].n() + r.arms().get(1).variance() / a[1].n();
    double reduction = Cuped.varianceReduction(raw, adj);
    // 1 - rho^2 = 1 - 4/5: about 80% less variance.
    assertEquals(0.8, reduction, 0.03);
    assertEquals(1.0, r.arms().get(0).variance(), 0.06); // the noise variance remains
  }

  @Test
  void leavesTheEffectUnbiasedWhileShrinkingItsSpread() {
    int sims = 300;
    double sumRaw = 0;
    double sumAdj = 0;
    double sqRaw = 0;
    double sqAdj = 0;
    for (int s = 0; s < sims; s++) {
      Moments[] a = arms(100 + s, 200, 0.5);
      double raw = a[1].meanY() - a[0].meanY();
      Cuped.Result r = Cuped.apply(List.of(a));
      double adj = r.arms().get(1).mean() - r.arms().get(0).mean();
      sumRaw += raw;
      sumAdj += adj;
      sqRaw += (raw - 0.5) * (raw - 0.5);
      sqAdj += (adj - 0.5) * (adj - 0.5);
    }
    // sd of the raw effect: sqrt(2 * 5 / 200) = 0.22, of the adjusted one sqrt(2 / 200) = 0.1.
    assertEquals(0.5, sumRaw / sims, 3 * 0.224 / Math.sqrt(sims));
    assertEquals(0.5, sumAdj / sims, 3 * 0.1 / Math.sqrt(sims));
    double sdRaw = Math.sqrt(sqRaw / sims);
    double sdAdj = Math.sqrt(sqAdj / sims);
    assertTrue(sdAdj < 0.6 * sdRaw, "sd adjusted " + sdAdj + " vs raw " + sdRaw);
    assertEquals(0.1, sdAdj, 0.02);
  }

  @Test
  void aCovariateThatDoesNotVaryChangesNothing() {
    Moments c = new Moments();
    Moments t = new Moments();
    for (int i = 0; i < 10; i++) {
      c.add(i, 1);
      t.add(i + 1, 1);
    }
    Cuped.Result r = Cuped.apply(List.of(c, t));
    assertEquals(0, r.theta(), 0);
    assertEquals(c.meanY(), r.arms().get(0).mean(), 1e-12);
    assertEquals(t.varianceY(), r.arms().get(1).variance(), 1e-12);
  }
}
