package io.shiq.ab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FixedHorizonTest {
  @Test
  void sampleSizeOfTheTextbookExample() {
    // 2 (1.959964 + 0.841621)^2 / 0.1^2 = 1569.78 -> 1570 per arm.
    assertEquals(1570, FixedHorizon.sampleSizePerArm(0.05, 0.8, 0.1, 1.0));
    assertEquals(393, FixedHorizon.sampleSizePerArm(0.05, 0.8, 0.2, 1.0));
    assertEquals(FixedHorizon.sampleSizePerArm(0.05, 0.8, 0.1, 0.25), FixedHorizon.sampleSizePerArm(0.05, 0.8, 0.05,
        0.0625));
    assertThrows(IllegalArgumentException.class, () -> FixedHorizon.sampleSizePerArm(0.05, 0.8, 0, 1));
  }

  @Test
  void welchZTest() {
    // delta 0.196 with V = 0.01: z = 1.96.
    FixedHorizon.Result r = FixedHorizon.twoSample(1.196, 2.0, 400, 1.0, 2.0, 400, 0.05);
    assertEquals(0.01, r.variance(), 1e-15);
    assertEquals(0.04999579029644087, r.pValue(), 1e-12);
    assertEquals(0.196 - 1.959963984540054 * 0.1, r.low(), 1e-12);
    assertEquals(0.196 + 1.959963984540054 * 0.1, r.high(), 1e-12);
    // Unequal variances and sizes: V = 1/100 + 4/400.
    assertEquals(0.02, FixedHorizon.twoSample(0, 1, 100, 0, 4, 400, 0.05).variance(), 1e-15);
    assertEquals(1.0, FixedHorizon.pValue(0, 0), 0);
  }
}
