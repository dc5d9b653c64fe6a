package io.shiq.ab.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Synthetic problems with a known answer: behaviour uniform over two actions, target pi = (0.8, 0.2), Gaussian
 * rewards with means (1, 0): the target's value is 0.8 per decision.
 */
class OpeBanditTest {
  static final double[] PI = {0.8, 0.2};
  static final double MU = 0.5;
  static final double[] MEAN_REWARD = {1, 0};
  static final double NOISE = 0.5;
  static final double VALUE_PER_STEP = PI[0] * MEAN_REWARD[0] + PI[1] * MEAN_REWARD[1];

  /**
   * {@code episodes} episodes of {@code steps} decisions, each logged under mu = uniform; Vhat(s_t) = {@code vhatScale}
   * times the true value-to-go (steps - t) * 0.8, or no Vhat when null.
   */
  static List<OpeMath.EpisodeTerms> draw(int episodes, int steps, Double vhatScale, SplittableRandom rnd) {
    List<OpeMath.EpisodeTerms> out = new ArrayList<>(episodes);
    for (int i = 0; i < episodes; i++) {
      double[] lnPi = new double[steps];
      double[] lnMu = new double[steps];
      double[] r = new double[steps];
      double[] v = vhatScale == null ? null : new double[steps];
      for (int t = 0; t < steps; t++) {
        int a = rnd.nextDouble() < MU ? 0 : 1;
        lnPi[t] = Math.log(PI[a]);
        lnMu[t] = Math.log(MU);
        r[t] = MEAN_REWARD[a] + NOISE * rnd.nextGaussian();
        if (v != null) {
          v[t] = vhatScale * (steps - t) * VALUE_PER_STEP;
        }
      }
      out.add(OpeMath.episode("e" + i, lnPi, lnMu, r, v, 1e3));
    }
    return out;
  }

  @Test
  void banditEstimatesConvergeAndGoodValueNarrowsDoublyRobust() {
    SplittableRandom rnd = new SplittableRandom(11);
    List<OpeMath.EpisodeTerms> good = draw(4000, 1, 1.0, rnd);
    // One seeded sample is checked at 99%; intervalsHaveTheirNominalCoverage checks the level itself.
    OffPolicyEstimate est = OpeMath.estimate(good, 1e3, 0.01, 500, 5);
    double truth = VALUE_PER_STEP;
    for (OffPolicyEstimate.Interval i : List.of(est.is(), est.snis(), est.dr())) {
      assertTrue(i.covers(truth), i + " should cover " + truth);
      assertEquals(truth, i.estimate(), 0.05);
      assertTrue(i.bootLow() <= truth && truth <= i.bootHigh(), "bootstrap " + i);
      // Bootstrap and normal intervals agree on a sample this large.
      assertEquals(i.width(), i.bootHigh() - i.bootLow(), 0.15 * i.width());
    }
    assertEquals(0.5, est.onPolicy().estimate(), 0.05, "the behaviour's own value");
    assertTrue(!est.onPolicy().covers(truth), "the logged mean is not the target's value");
    // Variances 0.44 against 0.98 in theory: sd ratio 0.67.
    assertTrue(est.dr().width() < 0.75 * est.is().width(), "DR " + est.dr() + " vs IS " + est.is());
    // E_mu[W] = 1; the ESS of weights 1.6 / 0.4 at equal odds is n / 1.36.
    assertEquals(1, est.meanWeight(), 0.03);
    assertEquals(4000 / 1.36, est.effectiveSampleSize(), 40);
  }

  @Test
  void perDecisionDoublyRobustOnAThreeStepChain() {
    double truth = 3 * VALUE_PER_STEP;
    // The same draws with and without Vhat: the draws are reproduced by the seed.
    List<OpeMath.EpisodeTerms> withV = draw(4000, 3, 1.0, new SplittableRandom(99));
    List<OpeMath.EpisodeTerms> withoutV = draw(4000, 3, null, new SplittableRandom(99));
    List<OpeMath.EpisodeTerms> badV = draw(4000, 3, -3.0, new SplittableRandom(99));
    OffPolicyEstimate good = OpeMath.estimate(withV, 1e3, 0.05, 0, 0);
    OffPolicyEstimate pdis = OpeMath.estimate(withoutV, 1e3, 0.05, 0, 0);
    OffPolicyEstimate bad = OpeMath.estimate(badV, 1e3, 0.05, 0, 0);
    assertEquals(good.is().estimate(), pdis.is().estimate(), 0.0, "Vhat changes only DR");
    for (OffPolicyEstimate e : List.of(good, pdis, bad)) {
      assertTrue(e.is().covers(truth), "IS " + e.is());
      assertTrue(e.snis().covers(truth), "SNIS " + e.snis());
      assertTrue(e.dr().covers(truth), "DR " + e.dr() + " (any Vhat: unbiased)");
    }
    assertTrue(good.dr().width() < 0.5 * good.is().width(), "DR " + good.dr() + " vs IS " + good.is());
    assertTrue(good.dr().width() < pdis.dr().width(), "exact Vhat beats none");
    assertTrue(bad.dr().width() > good.dr().width(), "a wrong Vhat helps less");
  }

  /** Over many seeded replications the 95% intervals cover the truth about 95% of the time. */
  @Test
  void intervalsHaveTheirNominalCoverage() {
    SplittableRandom rnd = new SplittableRandom(13);
    int reps = 400;
    int[] covered = new int[3];
    for (int k = 0; k < reps; k++) {
      OffPolicyEstimate e = OpeMath.estimate(draw(300, 2, 0.7, rnd), 1e3, 0.05, 0, 0);
      double truth = 2 * VALUE_PER_STEP;
      covered[0] += e.is().covers(truth) ? 1 : 0;
      covered[1] += e.snis().covers(truth) ? 1 : 0;
      covered[2] += e.dr().covers(truth) ? 1 : 0;
    }
    for (int c : covered) {
      double rate = (double) c / reps;
      assertTrue(rate > 0.91 && rate < 0.985, "coverage " + rate);
    }
  }
}
