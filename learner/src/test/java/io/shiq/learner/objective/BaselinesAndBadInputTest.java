package io.shiq.learner.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BaselinesAndBadInputTest {
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  // Two one-action sequences [BOS=2, a=0]; y_w has reward 1, y_l reward 0; reference logits are all 0.
  private static final double BETA = 0.5;
  private static final double LN3 = Math.log(3);
  private static final double RHO_W = 1 - Math.log(Math.E + 2) + LN3;          // policy logits [1, 0, 0]
  private static final double RHO_L = 0 - Math.log(2 + Math.exp(2)) + LN3;     // policy logits [0, 2, 0]

  private TokenBatch pair() {
    TrainingSequence w = new TrainingSequence("y_w", new int[] {2, 0}, new boolean[] {false, true},
        new float[] {0, 1}, false, 0);
    TrainingSequence l = new TrainingSequence("y_l", new int[] {2, 0}, new boolean[] {false, true},
        new float[] {0, 0}, false, 0);
    float[] la = {0, 0};
    float[] lse = {(float) LN3, (float) LN3};
    return TokenBatch.of(List.of(w, l), List.of(la, la), List.of(lse, lse), null);
  }

  private NDArray logits() {
    return m.create(new float[] {1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0}, new Shape(2, 2, 3));
  }

  private double loss(String name, NDArray values) {
    return Objectives.create(ObjectiveConfig.of(name, BETA, 1.0)).loss(pair(), logits(), values).loss().getFloat();
  }

  @Test
  void dpoMatchesTheHandComputedValue() {
    double expected = -Math.log(1 / (1 + Math.exp(-BETA * (RHO_W - RHO_L))));
    assertEquals(expected, loss("dpo", null), 1e-6);
  }

  @Test
  void droMatchesTheHandComputedValue() {
    NDArray v = m.create(new float[] {0.3f, 0.3f});
    double expected = (0.5 * Math.pow(1 - 0.3 - BETA * RHO_W, 2) + 0.5 * Math.pow(0 - 0.3 - BETA * RHO_L, 2)) / 2;
    assertEquals(expected, loss("dro", v), 1e-6);
  }

  @Test
  void copgMatchesTheHandComputedValue() {
    double expected = Math.pow(1 - 0 - BETA * (RHO_W - RHO_L), 2) / (4 * BETA);
    assertEquals(expected, loss("copg", null), 1e-6);
  }

  @Test
  void shiqOnOneActionIsDroWithTheValueReadOffTheLogits() {
    double vw = BETA * (Math.log(Math.E + 2) - LN3);
    double vl = BETA * (Math.log(2 + Math.exp(2)) - LN3);
    double expected = (Math.pow(1 - BETA * RHO_W - vw, 2) + Math.pow(0 - BETA * RHO_L - vl, 2)) / 2;
    assertEquals(expected, loss("shiq", null), 1e-6);
  }

  // ---- bad input: an error naming the trajectory, never a NaN loss -----------------------------------------

  @Test
  void maskWithoutActionTokenIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TrainingSequence("traj-7", new int[] {1, 2, 3},
        new boolean[] {false, false, false}, new float[3], false, 0));
    assertTrue(e.getMessage().contains("traj-7") && e.getMessage().contains("no action token"), e.getMessage());
  }

  @Test
  void nanOrInfiniteRewardIsRefused() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      var e = assertThrows(IllegalArgumentException.class, () -> new TrainingSequence("traj-8", new int[] {1, 2},
          new boolean[] {false, true}, new float[] {0, bad}, false, 0));
      assertTrue(e.getMessage().contains("traj-8") && e.getMessage().contains("reward"), e.getMessage());
    }
  }

  @Test
  void lengthMismatchIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TrainingSequence("traj-9", new int[] {1, 2, 3},
        new boolean[] {false, true}, new float[3], false, 0));
    assertTrue(e.getMessage().contains("traj-9") && e.getMessage().contains("mask"), e.getMessage());
  }

  @Test
  void rewardOnANonActionTokenIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TrainingSequence("traj-10", new int[] {1, 2, 3},
        new boolean[] {false, true, false}, new float[] {0, 0, 1}, false, 0));
    assertTrue(e.getMessage().contains("traj-10"), e.getMessage());
  }

  @Test
  void nonPositiveBetaAndBadGammaAreRefused() {
    for (double beta : new double[] {0, -1, Double.NaN}) {
      var e = assertThrows(IllegalArgumentException.class, () -> ObjectiveConfig.of("shiq", beta, 1.0));
      assertTrue(e.getMessage().contains("beta"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> ObjectiveConfig.of("shiq", 0.1, 1.5));
    var e = assertThrows(IllegalArgumentException.class, () -> ObjectiveConfig.of("ppo", 0.1, 1.0));
    assertTrue(e.getMessage().contains("ppo") && e.getMessage().contains("shiq"), e.getMessage());
  }

  @Test
  void oddBatchForPairwiseObjectivesIsRefused() {
    TrainingSequence s = new TrainingSequence("solo", new int[] {2, 0}, new boolean[] {false, true},
        new float[] {0, 1}, false, 0);
    TokenBatch one = TokenBatch.of(List.of(s), List.of(new float[2]), List.of(new float[2]), null);
    var e = assertThrows(IllegalArgumentException.class, () -> Objectives.create(ObjectiveConfig.of("dpo", 0.1, 1))
        .loss(one, m.zeros(new Shape(1, 2, 3)), null));
    assertTrue(e.getMessage().contains("pairs"), e.getMessage());
  }

  @Test
  void truncationDropLeavesTruncatedEpisodesOutAndBootstrapUsesTheNextState() {
    TrainingSequence done = new TrainingSequence("done", new int[] {2, 0, 1}, new boolean[] {false, true, false},
        new float[] {0, 1, 0}, false, 0);
    TrainingSequence cut = new TrainingSequence("cut", new int[] {2, 0, 1}, new boolean[] {false, true, false},
        new float[] {0, 1, 0}, true, 0);
    float[] la = {0, 0, 0};
    float[] lse = {(float) LN3, (float) LN3, (float) LN3};
    NDArray logits = m.create(new float[] {1, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0},
        new Shape(2, 3, 3));
    TokenBatch both = TokenBatch.of(List.of(done, cut), List.of(la, la), List.of(lse, lse), null);
    ObjectiveConfig drop = new ObjectiveConfig("shiq", BETA, 1.0, ObjectiveConfig.Normalization.PER_TRAJECTORY,
        ObjectiveConfig.Truncation.DROP);
    ObjectiveConfig boot = ObjectiveConfig.of("shiq", BETA, 1.0);
    LossResult dropped = Objectives.create(drop).loss(both, logits, null);
    assertEquals(1, dropped.trajectories());
    TokenBatch onlyDone = TokenBatch.of(List.of(done), List.of(la), List.of(lse), null);
    double doneLoss = Objectives.create(boot).loss(onlyDone, logits.get("0:1"), null).loss().getFloat();
    assertEquals(doneLoss, dropped.loss().getFloat(), 1e-6);
    // Bootstrapped: the truncated row's target adds V at the state after its last token (position 1 here).
    double vNext = BETA * (Math.log(2 + Math.exp(3)) - LN3);
    double rho = 1 - Math.log(Math.E + 2) + LN3;
    double v0 = BETA * (Math.log(Math.E + 2) - LN3);
    double rDone = 1 - BETA * rho - v0;
    double rCut = 1 - BETA * rho + vNext - v0;
    double expected = (rDone * rDone + rCut * rCut) / 2;
    assertEquals(expected, Objectives.create(boot).loss(both, logits, null).loss().getFloat(), 1e-5);
  }
}
