package io.shiq.ab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MsprtTest {
  @Test
  void likelihoodRatioAndConfidenceSequenceOfAHandComputedExample() {
    // delta 0.2, V 0.01, tau 0.1: Lambda = sqrt(0.01/0.02) * exp(0.01 * 0.04 / (2 * 0.01 * 0.02)) = e / sqrt(2).
    assertEquals(Math.log(Math.E / Math.sqrt(2)), Msprt.logLikelihoodRatio(0.2, 0.01, 0.1), 1e-14);
    assertEquals(Math.sqrt(2) / Math.E, Msprt.pValue(0.2, 0.01, 0.1), 1e-14);
    assertEquals(0.5202600950228888, Msprt.pValue(-0.2, 0.01, 0.1), 1e-14);
    // Half-width sqrt(V (V + tau^2)/tau^2 (2 ln 20 + ln 2)).
    double h = Math.sqrt(0.02 * (2 * Math.log(20) + Math.log(2)));
    assertEquals(0.36563948713638483, h, 1e-15);
    Interval cs = Msprt.confidenceSequence(0.2, 0.01, 0.1, 0.05);
    assertEquals(0.2 - h, cs.low(), 1e-14);
    assertEquals(0.2 + h, cs.high(), 1e-14);
  }

  @Test
  void twoAndOneSampleForms() {
    Msprt.Result two = Msprt.twoSample(1.2, 4.0, 400, 1.0, 4.0, 400, 0.1, 0.05);
    assertEquals(0.2, two.delta(), 1e-12);
    assertEquals(0.02, two.variance(), 1e-15);
    assertEquals(Msprt.pValue(0.2, 0.02, 0.1), two.pValue(), 1e-14);
    Msprt.Result one = Msprt.oneSample(0.3, 1.0, 100, 0.1, 0.1, 0.05);
    assertEquals(0.2, one.delta(), 1e-12);
    assertEquals(0.01, one.variance(), 1e-15);
    assertEquals(0.3 - 0.36563948713638483, one.csLow(), 1e-12); // the CS is of the mean, not of the difference
    assertTrue(Double.isNaN(Msprt.twoSample(1, 1, 1, 0, 1, 10, 0.1, 0.05).pValue()), "one episode: no variance");
    assertThrows(IllegalArgumentException.class, () -> Msprt.pValue(0.1, 0.01, 0));
  }

  @Test
  void theConfidenceSequenceIsTheInvertedTest() {
    // At the CS bound, Lambda = 1/alpha exactly.
    double v = 0.003;
    double tau = 0.2;
    double h = Msprt.halfWidth(v, tau, 0.05);
    assertEquals(0.05, Msprt.pValue(h, v, tau), 1e-12);
    assertTrue(Msprt.pValue(h * 1.01, v, tau) < 0.05);
    assertTrue(Msprt.pValue(h * 0.99, v, tau) > 0.05);
  }

  @Test
  void zeroVarianceUsesTheLimits() {
    assertEquals(1.0, Msprt.pValue(0, 0, 0.1), 0);
    assertEquals(0.0, Msprt.pValue(0.3, 0, 0.1), 0);
    assertEquals(new Interval(0.3, 0.3), Msprt.confidenceSequence(0.3, 0, 0.1, 0.05));
  }

  /** One stream of paired arms; returns {ever excluded the truth, ever rejected 0, always-valid p non-increasing}. */
  private static boolean[] stream(long seed, double effect, int n, double tau) {
    SplittableRandom r = new SplittableRandom(seed);
    Moments t = new Moments();
    Moments c = new Moments();
    boolean excluded = false;
    boolean rejected = false;
    boolean monotone = true;
    double p = 1;
    for (int i = 0; i < n; i++) {
      t.add(effect + r.nextGaussian());
      c.add(r.nextGaussian());
      if (i < 30) {
        continue;
      }
      Msprt.Result look = Msprt.twoSample(t.meanY(), t.varianceY(), t.n(), c.meanY(), c.varianceY(), c.n(), tau,
          0.05);
      double next = Msprt.runningMin(p, look.pValue());
      monotone &= next <= p;
      p = next;
      excluded |= !look.cs().contains(effect);
      rejected |= p < 0.05;
    }
    return new boolean[] {excluded, rejected, monotone};
  }

  @Test
  void theConfidenceSequenceCoversTheTrueEffectAtEveryLookInMostSimulations() {
    int sims = 300;
    int missed = 0;
    int rejected = 0;
    for (int s = 0; s < sims; s++) {
      boolean[] r = stream(1000 + s, 0.3, 400, 0.3);
      missed += r[0] ? 1 : 0;
      rejected += r[1] ? 1 : 0;
      assertTrue(r[2], "always-valid p increased in simulation " + s);
    }
    // Coverage at every one of ~370 looks: at most alpha (plus simulation noise) of the streams ever miss it.
    assertTrue(missed / (double) sims <= 0.07, "missed in " + missed + " of " + sims);
    // And the test has power: an effect of 0.3 sd with 400 per arm is found most of the time.
    assertTrue(rejected / (double) sims >= 0.8, "found in only " + rejected + " of " + sims);
  }

  @Test
  void runningMinimumIgnoresLooksWithoutAPValue() {
    assertEquals(0.3, Msprt.runningMin(0.3, Double.NaN), 0);
    assertEquals(0.2, Msprt.runningMin(0.3, 0.2), 0);
    assertEquals(0.3, Msprt.runningMin(0.3, 0.9), 0);
  }
}
