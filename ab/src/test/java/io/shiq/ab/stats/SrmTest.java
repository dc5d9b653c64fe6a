package io.shiq.ab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SrmTest {
  private static long[] assign(long seed, int n, double... shares) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] counts = new long[shares.length];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      int arm = 0;
      double acc = shares[0];
      while (u >= acc && arm < shares.length - 1) {
        arm++;
        acc += shares[arm];
      }
      counts[arm]++;
    }
    return counts;
  }

  @Test
  void detects45to55At20kEpisodes() {
    long[] counts = assign(1, 20_000, 0.45, 0.55);
    double p = Srm.pValue(counts, new double[] {1, 1});
    assertTrue(p < 1e-10, "p=" + p + " for " + counts[0] + "/" + counts[1]);
  }

  @Test
  void doesNotFlagAFair50to50Split() {
    int flagged = 0;
    for (int s = 0; s < 200; s++) {
      long[] counts = assign(100 + s, 20_000, 0.5, 0.5);
      flagged += Srm.pValue(counts, new double[] {0.5, 0.5}) < 0.001 ? 1 : 0;
    }
    assertTrue(flagged <= 2, flagged + " of 200 fair splits flagged at 0.001");
  }

  @Test
  void chiSquareStatistic() {
    // 450/550 against 500/500: (50^2 + 50^2) / 500 = 10, df 1.
    Srm.Result r = Srm.test(new long[] {450, 550}, new double[] {1, 1});
    assertEquals(10.0, r.chiSquare(), 1e-12);
    assertEquals(1, r.df());
    assertEquals(ChiSquare.upperTailP(10, 1), r.pValue(), 0);
    // Unequal declared weights, three arms: 20/30/50 observed exactly.
    assertEquals(1.0, Srm.pValue(new long[] {200, 300, 500}, new double[] {2, 3, 5}), 1e-12);
    assertEquals(1.0, Srm.pValue(new long[] {0, 0}, new double[] {1, 1}), 0);
    assertEquals(0.0, Srm.pValue(new long[] {10, 10, 1}, new double[] {1, 1, 0}), 0);
  }
}
