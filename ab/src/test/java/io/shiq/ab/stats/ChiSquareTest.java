package io.shiq.ab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Reference values from scipy.stats.chi2.sf. */
class ChiSquareTest {
  @Test
  void criticalValuesOfTextbookTables() {
    assertEquals(0.050013683763956804, ChiSquare.upperTailP(3.841, 1), 1e-12);
    assertEquals(0.05001161502657909, ChiSquare.upperTailP(5.991, 2), 1e-12);
    assertEquals(0.0009997657195830916, ChiSquare.upperTailP(10.828, 1), 1e-14);
  }

  @Test
  void otherDegreesOfFreedomAndTails() {
    assertEquals(0.0012497305630313773, ChiSquare.upperTailP(20, 5), 1e-14);
    assertEquals(0.9188914116546758, ChiSquare.upperTailP(0.5, 3), 1e-12);
    assertEquals(5.4497019829205215e-17, ChiSquare.upperTailP(100, 10), 1e-27);
    assertEquals(1.0, ChiSquare.upperTailP(0, 4), 0);
    assertEquals(1 - ChiSquare.upperTailP(7.3, 4), ChiSquare.cdf(7.3, 4), 1e-14);
    // df = 2 has the closed form exp(-x/2).
    for (double x = 0.1; x < 60; x *= 1.7) {
      assertEquals(Math.exp(-x / 2), ChiSquare.upperTailP(x, 2), 1e-14 * Math.max(1e-300, Math.exp(-x / 2)) + 1e-16);
    }
  }

  @Test
  void rejectsZeroDegreesOfFreedom() {
    assertThrows(IllegalArgumentException.class, () -> ChiSquare.upperTailP(1, 0));
  }
}
