package io.shiq.learner.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue #13: a trajectory's importance weight w counts it w times. A batch where one trajectory has weight 2 gives the
 * loss and the gradients of the batch with that trajectory in it twice, under both normalisations and both truncation
 * modes; weight 1 everywhere gives the unweighted loss. Pairs count the mean of their two weights.
 */
class ImportanceWeightTest {
  private static final int VOCAB = 5;
  private static final double TOL = 1e-6;
  private static final List<String> SINGLE = List.of("shiq", "naive", "shifted-sampling", "shifted-init", "dro");

  /**
   * Four trajectories of different lengths and prompts, dense rewards, trajectory 2 truncated; reference logits and
   * (trainable) policy logits per position, the policy near the reference so that losses stay of order 1.
   */
  private record Fixture(List<TrainingSequence> sequences, float[][][] ref, float[][][] policy, float[] values,
                         int width) {
    static Fixture create(long seed) {
      SplittableRandom rnd = new SplittableRandom(seed);
      int[] prompts = {1, 2, 3, 1};
      int[] answers = {3, 5, 2, 4};
      List<TrainingSequence> seqs = new ArrayList<>();
      int width = 0;
      for (int i = 0; i < prompts.length; i++) {
        int n = prompts[i] + answers[i];
        width = Math.max(width, n);
        int[] tokens = new int[n];
        boolean[] mask = new boolean[n];
        float[] rewards = new float[n];
        for (int t = 0; t < n; t++) {
          tokens[t] = rnd.nextInt(VOCAB);
          mask[t] = t >= prompts[i];
          rewards[t] = mask[t] ? (float) (rnd.nextDouble() - 0.5) : 0f;
        }
        seqs.add(new TrainingSequence("traj-" + i, tokens, mask, rewards, i == 2, 0));
      }
      float[][][] ref = new float[seqs.size()][width][VOCAB];
      float[][][] policy = new float[seqs.size()][width][VOCAB];
      for (int b = 0; b < seqs.size(); b++) {
        for (int t = 0; t < width; t++) {
          for (int a = 0; a < VOCAB; a++) {
            ref[b][t][a] = (float) (2 * rnd.nextDouble() - 1);
            policy[b][t][a] = ref[b][t][a] + (float) (0.6 * (rnd.nextDouble() - 0.5));
          }
        }
      }
      float[] values = new float[seqs.size()];
      for (int b = 0; b < values.length; b++) {
        values[b] = (float) (rnd.nextDouble() - 0.5);
      }
      return new Fixture(seqs, ref, policy, values, width);
    }

    /** The batch of rows {@code rows} (repeats allowed) with these weights. */
    TokenBatch batch(NDManager m, int[] rows, double[] weights) {
      List<TrainingSequence> seqs = new ArrayList<>();
      List<float[]> la = new ArrayList<>();
      List<float[]> lse = new ArrayList<>();
      float[] refLp = new float[rows.length * width * VOCAB];
      for (int i = 0; i < rows.length; i++) {
        TrainingSequence s = sequences.get(rows[i]).withWeight(weights[i]);
        seqs.add(s);
        float[] laRow = new float[s.length()];
        float[] lseRow = new float[s.length()];
        for (int t = 0; t < s.length(); t++) {
          float[] r = ref[rows[i]][t];
          double max = Double.NEGATIVE_INFINITY;
          for (float x : r) {
            max = Math.max(max, x);
          }
          double sum = 0;
          for (float x : r) {
            sum += Math.exp(x - max);
          }
          lseRow[t] = (float) (max + Math.log(sum));
          laRow[t] = t + 1 < s.length() ? r[s.tokens()[t + 1]] : 0f;
          for (int a = 0; a < VOCAB; a++) {
            refLp[(i * width + t) * VOCAB + a] = r[a] - lseRow[t];
          }
        }
        la.add(laRow);
        lse.add(lseRow);
      }
      return TokenBatch.of(seqs, la, lse, m.create(refLp, new Shape(rows.length, width, VOCAB)));
    }
  }

  /** Policy logits of every trajectory, [N, T, V] (the table the batches index). */
  private static NDArray policyLogits(NDManager m, Fixture f) {
    int n = f.sequences().size();
    float[] flat = new float[n * f.width() * VOCAB];
    for (int b = 0; b < n; b++) {
      for (int t = 0; t < f.width(); t++) {
        System.arraycopy(f.policy()[b][t], 0, flat, (b * f.width() + t) * VOCAB, VOCAB);
      }
    }
    return m.create(flat, new Shape(n, f.width(), VOCAB));
  }

  /** Loss, then the gradients of the policy table [N, T, V] and of the per-trajectory values [N], on the host. */
  private record Outcome(float loss, float[] policyGrad, float[] valueGrad) {}

  private static Outcome run(Fixture f, ObjectiveConfig config, int[] rows, double[] weights) {
    try (NDManager m = NDManager.newBaseManager()) {
      int n = f.sequences().size();
      NDArray table = policyLogits(m, f);
      NDArray valueTable = m.create(f.values());
      table.setRequiresGradient(true);
      valueTable.setRequiresGradient(true);
      long[] idx = new long[rows.length];
      for (int i = 0; i < rows.length; i++) {
        idx[i] = rows[i];
      }
      TokenBatch batch = f.batch(m, rows, weights);
      Objective objective = Objectives.create(config);
      float loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = table.get(m.create(idx));
        NDArray values = objective.needsValueHead() ? valueTable.get(m.create(idx)) : null;
        NDArray l = objective.loss(batch, logits, values).loss();
        loss = l.getFloat();
        gc.backward(l);
      }
      float[] valueGrad = objective.needsValueHead() ? valueTable.getGradient().toFloatArray() : new float[n];
      return new Outcome(loss, table.getGradient().toFloatArray(), valueGrad);
    }
  }

  private static void assertSame(Outcome expected, Outcome actual, String what) {
    assertEquals(expected.loss(), actual.loss(), TOL, what + ": loss");
    for (int i = 0; i < expected.policyGrad().length; i++) {
      assertEquals(expected.policyGrad()[i], actual.policyGrad()[i], TOL, what + ": policy gradient " + i);
    }
    for (int i = 0; i < expected.valueGrad().length; i++) {
      assertEquals(expected.valueGrad()[i], actual.valueGrad()[i], TOL, what + ": value gradient " + i);
    }
  }

  private static List<ObjectiveConfig> configs(String name) {
    List<ObjectiveConfig> out = new ArrayList<>();
    for (ObjectiveConfig.Normalization n : ObjectiveConfig.Normalization.values()) {
      for (ObjectiveConfig.Truncation t : ObjectiveConfig.Truncation.values()) {
        out.add(new ObjectiveConfig(name, 0.5, 0.9, n, t));
      }
    }
    return out;
  }

  @Test
  void weightTwoIsTheTrajectoryCountedTwice() {
    Fixture f = Fixture.create(13);
    for (String name : SINGLE) {
      for (ObjectiveConfig config : configs(name)) {
        String what = name + " " + config.normalization() + " " + config.truncation();
        // Trajectory 1 (5 actions, the longest answer) weighted 2, then duplicated; then fractional weights against
        // integer multiplicities scaled alike (weights 0.5, 1.5 vs 1, 3 copies: the normalisation cancels the scale).
        Outcome weighted = run(f, config, new int[] {0, 1, 2, 3}, new double[] {1, 2, 1, 1});
        Outcome duplicated = run(f, config, new int[] {0, 1, 1, 2, 3}, new double[] {1, 1, 1, 1, 1});
        assertSame(duplicated, weighted, what);
        Outcome unweighted = run(f, config, new int[] {0, 1, 2, 3}, new double[] {1, 1, 1, 1});
        assertNotEquals(unweighted.loss(), weighted.loss(), what + ": the weight changed nothing");

        Outcome fractional = run(f, config, new int[] {0, 1, 2, 3}, new double[] {0.5, 1.5, 0.5, 0.5});
        Outcome copies = run(f, config, new int[] {0, 1, 1, 1, 2, 3}, new double[] {1, 1, 1, 1, 1, 1});
        assertSame(copies, fractional, what + " (fractional)");
      }
    }
  }

  @Test
  void pairsCountTheMeanOfTheirTwoWeights() {
    Fixture f = Fixture.create(17);
    for (String name : List.of("dpo", "copg")) {
      for (ObjectiveConfig config : configs(name)) {
        String what = name + " " + config.normalization() + " " + config.truncation();
        Outcome weighted = run(f, config, new int[] {0, 1, 2, 3}, new double[] {2, 2, 1, 1});
        Outcome duplicated = run(f, config, new int[] {0, 1, 0, 1, 2, 3}, new double[] {1, 1, 1, 1, 1, 1});
        assertSame(duplicated, weighted, what);
        Outcome uneven = run(f, config, new int[] {0, 1, 2, 3}, new double[] {1, 3, 1.5, 0.5});
        assertSame(weighted, uneven, what + " (mean of the pair)");
      }
    }
  }

  @Test
  void weightOneEverywhereIsTheUnweightedLoss() {
    Fixture f = Fixture.create(19);
    int[] rows = {0, 1, 2, 3};
    double[] ones = {1, 1, 1, 1};
    for (String name : Objectives.NAMES) {
      for (ObjectiveConfig config : configs(name)) {
        String what = name + " " + config.normalization() + " " + config.truncation();
        try (NDManager m = NDManager.newBaseManager()) {
          TokenBatch batch = f.batch(m, rows, ones);
          NDArray logits = policyLogits(m, f);
          Objective objective = Objectives.create(config);
          NDArray values = objective.needsValueHead() ? m.create(f.values()) : null;
          LossResult r = objective.loss(batch, logits, values);
          double expected = unweightedLoss(name, config, batch, logits, r);
          assertEquals(expected, r.loss().getFloat(), TOL * Math.max(1, Math.abs(expected)), what);
        }
      }
    }
  }

  /** The loss as it was before weights: plain sums over kept trajectories, divided by a count. */
  private static double unweightedLoss(String name, ObjectiveConfig config, TokenBatch batch, NDArray logits,
                                       LossResult r) {
    float[] res = r.residuals().toFloatArray();
    int kept = 0;
    int keptTokens = 0;
    boolean[] keep = new boolean[batch.batch];
    for (int b = 0; b < batch.batch; b++) {
      keep[b] = !(batch.truncated(b) && config.truncation() == ObjectiveConfig.Truncation.DROP);
      kept += keep[b] ? 1 : 0;
      keptTokens += keep[b] ? batch.actionCount(b) : 0;
    }
    switch (name) {
      case "dro" -> {
        double sum = 0;
        for (int b = 0; b < batch.batch; b++) {
          sum += keep[b] ? 0.5 * res[b] * res[b] : 0;
        }
        return sum / kept;
      }
      case "dpo", "copg" -> {
        double sum = 0;
        for (int p = 0; p < batch.batch / 2; p++) {
          double x = res[2 * p];
          sum += name.equals("dpo") ? x : x * x / (4 * config.beta());
        }
        return sum / (batch.batch / 2);
      }
      default -> {
        TokenTerms k = new TokenTerms(batch, logits, config);
        NDArray d = switch (name) {
          case "shiq" -> Shiq.residuals(k);
          case "naive" -> OneStep.residuals(k, logits, OneStep.Variant.NAIVE);
          case "shifted-sampling" -> OneStep.residuals(k, logits, OneStep.Variant.SHIFTED_SAMPLING);
          default -> OneStep.residuals(k, logits, OneStep.Variant.SHIFTED_INIT);
        };
        float[] host = d.toFloatArray();
        double sum = 0;
        for (int b = 0; b < batch.batch; b++) {
          for (int t = 0; t < batch.width; t++) {
            if (keep[b] && batch.isAction(b, t)) {
              sum += (double) host[b * batch.width + t] * host[b * batch.width + t];
            }
          }
        }
        return sum / (config.normalization() == ObjectiveConfig.Normalization.PER_TOKEN ? keptTokens : kept);
      }
    }
  }

  @Test
  void theNormalizerIsTheWeightMassTheLossAveragesOver() {
    Fixture f = Fixture.create(23);
    List<TrainingSequence> s = new ArrayList<>();
    double[] w = {0.5, 2, 3, 1};
    for (int i = 0; i < 4; i++) {
      s.add(f.sequences().get(i).withWeight(w[i]));
    }
    // Action counts 3, 5, 2, 4; trajectory 2 is truncated.
    ObjectiveConfig perTrajectory = new ObjectiveConfig("shiq", 0.5, 0.9, ObjectiveConfig.Normalization.PER_TRAJECTORY,
        ObjectiveConfig.Truncation.DROP);
    ObjectiveConfig perToken = new ObjectiveConfig("shiq", 0.5, 0.9, ObjectiveConfig.Normalization.PER_TOKEN,
        ObjectiveConfig.Truncation.BOOTSTRAP);
    assertEquals(0.5 + 2 + 1, Objectives.create(perTrajectory).normalizer(s), 1e-12);
    assertEquals(0.5 * 3 + 2 * 5 + 3 * 2 + 4, Objectives.create(perToken).normalizer(s), 1e-12);
    assertEquals(0.5 + 2 + 1, Objectives.create(perTrajectory.withName("dro")).normalizer(s), 1e-12);
    assertEquals((0.5 + 2) / 2 + (3 + 1) / 2.0, Objectives.create(perToken.withName("dpo")).normalizer(s), 1e-12);
  }

  @Test
  void aWeightMustBePositiveAndFinite() {
    TrainingSequence s = new TrainingSequence("traj-w", new int[] {1, 2}, new boolean[] {false, true},
        new float[] {0, 1}, false, 0);
    assertEquals(1.0, s.weight());
    assertEquals(0.25, s.withWeight(0.25).weight());
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      var e = assertThrows(IllegalArgumentException.class, () -> s.withWeight(bad));
      assertTrue(e.getMessage().contains("traj-w") && e.getMessage().contains("weight"), e.getMessage());
    }
  }
}
