package io.shiq.ab.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The estimators' arithmetic on hand-built per-token arrays. */
class OpeMathTest {

  @Test
  void onPolicyDataGiveTheMeanReturnExactly() {
    SplittableRandom rnd = new SplittableRandom(3);
    List<OpeMath.EpisodeTerms> terms = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < 50; i++) {
      int n = 1 + rnd.nextInt(12);
      double[] lnMu = new double[n];
      double[] rewards = new double[n];
      double[] values = new double[n];
      for (int t = 0; t < n; t++) {
        lnMu[t] = -3 * rnd.nextDouble();
        rewards[t] = rnd.nextDouble() < 0.3 ? rnd.nextGaussian() : 0;
        values[t] = 5 * rnd.nextGaussian();
      }
      OpeMath.EpisodeTerms e = OpeMath.episode("e" + i, lnMu.clone(), lnMu, rewards, values, 1e3);
      assertEquals(1.0, e.weight(), 0.0);
      assertEquals(0.0, e.controlVariate(), 0.0, "every w_t is 1: the control variate vanishes");
      assertEquals(e.episodeReturn(), e.drReturn(), 0.0);
      assertFalse(e.capped());
      terms.add(e);
      sum += e.episodeReturn();
    }
    OffPolicyEstimate est = OpeMath.estimate(terms, 1e3, 0.05, 200, 1);
    double mean = sum / terms.size();
    assertEquals(mean, est.onPolicy().estimate(), 1e-15);
    assertEquals(est.onPolicy().estimate(), est.is().estimate(), 0.0);
    assertEquals(est.onPolicy().estimate(), est.snis().estimate(), 0.0);
    assertEquals(est.onPolicy().estimate(), est.dr().estimate(), 0.0);
    assertEquals(est.onPolicy().stdError(), est.is().stdError(), 0.0);
    assertEquals(est.onPolicy().stdError(), est.dr().stdError(), 0.0);
    assertEquals(est.onPolicy().stdError(), est.snis().stdError(), 1e-15);
    assertEquals(50, est.effectiveSampleSize(), 1e-12);
    assertEquals(1.0 / 50, est.maxWeightShare(), 1e-15);
    assertEquals(1.0, est.meanWeight(), 0.0);
    assertEquals(0, est.capped());
    // Same resamples: the bootstrap intervals of IS, DR and the on-policy mean coincide too.
    assertEquals(est.onPolicy().bootLow(), est.is().bootLow(), 0.0);
    assertEquals(est.onPolicy().bootHigh(), est.dr().bootHigh(), 0.0);
    assertTrue(est.is().bootLow() < mean && mean < est.is().bootHigh());
  }

  @Test
  void perDecisionWeightsAndControlVariateByHand() {
    // rho = 2, 0.5, 4: w = 2, 1, 4; rewards on tokens 2 and 3; Vhat = 1, 2, 3.
    double[] lnMu = {Math.log(0.25), Math.log(0.5), Math.log(0.1)};
    double[] lnPi = {Math.log(0.5), Math.log(0.25), Math.log(0.4)};
    double[] r = {0, 1, 2};
    double[] v = {1, 2, 3};
    OpeMath.EpisodeTerms e = OpeMath.episode("x", lnPi, lnMu, r, v, 1e3);
    assertEquals(4, e.weight(), 1e-12);
    assertEquals(Math.log(4), e.logWeight(), 1e-12);
    assertEquals(3, e.episodeReturn(), 0);
    double pdis = 2 * 0 + 1 * 1 + 4 * 2;
    double control = (1 - 2) * 1 + (2 - 1) * 2 + (1 - 4) * 3;
    assertEquals(control, e.controlVariate(), 1e-12);
    assertEquals(pdis + control, e.drReturn(), 1e-12);
    assertEquals(Math.log(4), e.maxAbsLogRatio(), 1e-12);
    // Without Vhat, DR is per-decision IS.
    assertEquals(pdis, OpeMath.episode("x", lnPi, lnMu, r, null, 1e3).drReturn(), 1e-12);

    // A cap of 3 bounds w_3 = 4 (and only it).
    OpeMath.EpisodeTerms c = OpeMath.episode("x", lnPi, lnMu, r, v, 3);
    assertTrue(c.capped());
    assertEquals(3, c.weight(), 1e-12);
    assertEquals(Math.log(4), c.logWeight(), 1e-12, "the log weight is reported uncapped");
    assertEquals(1 + 3 * 2 + (1 - 2) * 1 + (2 - 1) * 2 + (1 - 3) * 3, c.drReturn(), 1e-12);
  }

  @Test
  void snisAndIsOfTwoEpisodesByHand() {
    OpeMath.EpisodeTerms a = OpeMath.episode("a", new double[] {Math.log(3)}, new double[] {0}, new double[] {1},
        null, 1e3);
    OpeMath.EpisodeTerms b = OpeMath.episode("b", new double[] {Math.log(1)}, new double[] {0}, new double[] {5},
        null, 1e3);
    OffPolicyEstimate est = OpeMath.estimate(List.of(a, b), 10, 0.05, 0, 0);
    assertEquals((3 * 1 + 1 * 5) / 2.0, est.is().estimate(), 1e-12);
    assertEquals((3 * 1 + 1 * 5) / 4.0, est.snis().estimate(), 1e-12);
    assertEquals(16.0 / 10, est.effectiveSampleSize(), 1e-12);
    assertEquals(0.75, est.maxWeightShare(), 1e-12);
    assertEquals(2, est.meanWeight(), 1e-12);
    // Delta method: sum W^2 (R - snis)^2 / (sum W)^2, times n/(n-1).
    double snis = 2;
    double se = Math.sqrt((9 * (1 - snis) * (1 - snis) + (5 - snis) * (5 - snis)) * 2) / 4;
    assertEquals(se, est.snis().stdError(), 1e-12);
    assertEquals(snis - 1.959963985 * se, est.snis().low(), 1e-8);
    assertTrue(Double.isNaN(est.is().bootLow()), "no resamples, no bootstrap interval");
  }

  @Test
  void normalQuantile() {
    assertEquals(1.959963984540054, OpeMath.normalQuantile(0.975), 1e-8);
    assertEquals(-2.575829303548901, OpeMath.normalQuantile(0.005), 1e-8);
    assertEquals(0, OpeMath.normalQuantile(0.5), 1e-12);
    assertEquals(3.090232306167813, OpeMath.normalQuantile(0.999), 1e-8);
    assertThrows(IllegalArgumentException.class, () -> OpeMath.normalQuantile(1));
  }

  @Test
  void emptyInputGivesNaNNotAnError() {
    OffPolicyEstimate est = OpeMath.estimate(List.of(), 1e3, 0.05, 100, 0);
    assertEquals(0, est.episodes());
    assertTrue(Double.isNaN(est.is().estimate()));
    assertTrue(Double.isNaN(est.snis().estimate()));
  }

  @Test
  void mapAndJsonViews() throws Exception {
    OpeMath.EpisodeTerms a = OpeMath.episode("a", new double[] {-1}, new double[] {-1.5}, new double[] {1}, null, 1e3);
    OpeMath.EpisodeTerms b = OpeMath.episode("b", new double[] {-2}, new double[] {-1}, new double[] {0}, null, 1e3);
    OffPolicyEstimate est = OpeMath.estimate(List.of(a, b), 1e3, 0.1, 50, 7)
        .withContext(0.5, 4, 1, List.of(new Skipped("c", SkipReason.NO_BEHAVIOUR_LOG_PROBS, "import"),
            new Skipped("d", SkipReason.TOKENIZER_MISMATCH, "hf:x")));
    Map<String, Double> m = est.toMap();
    assertEquals(4.0, m.get("logged"));
    assertEquals(2.0, m.get("episodes"));
    assertEquals(est.dr().estimate(), m.get("dr"));
    assertEquals(est.snis().low(), m.get("snis.low"));
    assertEquals(est.is().bootHigh(), m.get("is.boot_high"));
    assertEquals(1.0, m.get("skipped.no_behaviour_log_probs"));
    assertEquals(1.0, m.get("skipped.tokenizer_mismatch"));
    assertEquals(2.0, m.get("skipped"));
    assertEquals(1.0, m.get("inexact_behaviour"));
    assertEquals(0.5, m.get("beta"));
    JsonNode json = new ObjectMapper().readTree(est.toJson());
    assertEquals(est.is().estimate(), json.get("is").asDouble(), 0);
    assertEquals(0.1, json.get("alpha").asDouble(), 0);
    assertEquals("TOKENIZER_MISMATCH", json.get("skipped_trajectories").get(1).get("reason").asText());
    // Non-finite numbers are null in JSON.
    OffPolicyEstimate one = OpeMath.estimate(List.of(a), 1e3, 0.05, 0, 0);
    assertTrue(new ObjectMapper().readTree(one.toJson()).get("is.se").isNull());
  }
}
