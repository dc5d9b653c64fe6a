package io.shiq.ab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reference values from scipy.stats.norm (double precision). */
class NormalTest {
  @Test
  void cdfMatchesReferenceValues() {
    assertEquals(0.9750021048517795, Normal.cdf(1.96), 1e-15);
    assertEquals(0.6914624612740131, Normal.cdf(0.5), 1e-15);
    assertEquals(0.5, Normal.cdf(0), 0);
    assertEquals(0.0013498980316300933, Normal.cdf(-3), 1e-17);
    // Far upper tail: relative accuracy, not 1 - cdf.
    assertEquals(6.22096057427174e-16, Normal.upperTail(8), 1e-27);
  }

  @Test
  void twoSidedPValue() {
    assertEquals(0.04999579029644087, Normal.twoSidedP(1.96), 1e-15);
    assertEquals(Normal.twoSidedP(-2.5), Normal.twoSidedP(2.5), 0);
    assertEquals(1.0, Normal.twoSidedP(0), 0);
  }

  @Test
  void quantileIsAccurateToBetterThan1e9() {
    assertEquals(1.959963984540054, Normal.quantile(0.975), 1e-12);
    assertEquals(0.8416212335729143, Normal.quantile(0.8), 1e-12);
    assertEquals(-0.5244005127080409, Normal.quantile(0.3), 1e-12);
    assertEquals(-6.361340902404056, Normal.quantile(1e-10), 1e-9);
    assertEquals(4.753424308817087, Normal.quantile(0.999999), 1e-9);
    assertEquals(Double.NEGATIVE_INFINITY, Normal.quantile(0), 0);
    assertEquals(Double.POSITIVE_INFINITY, Normal.quantile(1), 0);
    assertThrows(IllegalArgumentException.class, () -> Normal.quantile(1.5));
  }

  @Test
  void quantileInvertsTheCdfOverItsWholeRange() {
    // Above z = 5, p = Phi(z) itself is rounded to a multiple of 1.1e-16 near 1, which alone moves z by more than
    // 1e-9; the lower tail keeps full relative precision down to z = -8.
    for (double z = -8; z <= 5; z += 0.0625) {
      double p = Normal.cdf(z);
      assertEquals(z, Normal.quantile(p), 1e-9 * Math.max(1, Math.abs(z)), "z=" + z);
    }
    // Monotone.
    double previous = Double.NEGATIVE_INFINITY;
    for (double p = 1e-6; p < 1; p += 0.001) {
      double q = Normal.quantile(p);
      assertTrue(q > previous, "not increasing at p=" + p);
      previous = q;
    }
  }
}
