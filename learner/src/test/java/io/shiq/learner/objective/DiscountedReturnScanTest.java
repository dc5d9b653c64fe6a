package io.shiq.learner.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue #15: ShiQ's return G in memory linear in T (a blockwise reverse scan) equals the former dense form
 * {@code G = W c + w_boot V_boot} with its [B, T, T] discount matrix, kept here as the reference: with interleaved
 * non-action positions (tool outputs), truncated rows that bootstrap, gamma below 1, and rows of more than one scan
 * block of actions.
 */
class DiscountedReturnScanTest {
  private static final int VOCAB = 7;

  @Test
  void theScanEqualsTheDenseFormToFloatPrecision() {
    for (double gamma : new double[] {1.0, 0.97, 0.5}) {
      for (long seed = 1; seed <= 3; seed++) {
        try (NDManager m = NDManager.newBaseManager()) {
          SplittableRandom rnd = new SplittableRandom(seed * 31 + (long) (gamma * 100));
          TokenBatch batch = batch(rnd);
          float[] logits = new float[batch.batch * batch.width * VOCAB];
          for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (2 * rnd.nextDouble() - 1);
          }
          TokenTerms k = new TokenTerms(batch, m.create(logits, new Shape(batch.batch, batch.width, VOCAB)),
              ObjectiveConfig.of("shiq", 0.1, gamma));
          float[] scan = Shiq.residuals(k).toFloatArray();
          float[] dense = denseResiduals(k).toFloatArray();
          assertEquals(dense.length, scan.length);
          double scale = 0;
          for (float v : dense) {
            scale = Math.max(scale, Math.abs(v));
          }
          for (int i = 0; i < dense.length; i++) {
            assertTrue(Math.abs(dense[i] - scan[i]) <= 1e-5 * Math.max(1, scale), "gamma " + gamma + " seed " + seed
                + " row " + i / batch.width + " position " + i % batch.width + ": dense " + dense[i] + ", scan "
                + scan[i]);
          }
        }
      }
    }
  }

  /** Rows with a prompt, then assistant runs and tool-output runs; one over two scan blocks of actions. */
  private static TokenBatch batch(SplittableRandom rnd) {
    int[] lengths = {40, 300, 17, 190};
    List<TrainingSequence> seqs = new ArrayList<>();
    List<float[]> la = new ArrayList<>();
    List<float[]> lse = new ArrayList<>();
    for (int row = 0; row < lengths.length; row++) {
      int n = lengths[row];
      int[] tokens = new int[n];
      boolean[] mask = new boolean[n];
      float[] rewards = new float[n];
      boolean assistant = false;
      for (int t = 0; t < n; t++) {
        tokens[t] = rnd.nextInt(VOCAB);
        if (t >= 3 && rnd.nextDouble() < 0.15) {
          assistant = !assistant;
        }
        mask[t] = t >= 3 && (assistant || row == 1); // row 1: every token after the prompt is an action
        rewards[t] = mask[t] && rnd.nextDouble() < 0.3 ? (float) (rnd.nextDouble() - 0.5) : 0f;
      }
      mask[n - 2] = true; // at least one action, not at the very end
      seqs.add(new TrainingSequence("row-" + row, tokens, mask, rewards, row % 2 == 1, 3));
      float[] laRow = new float[n];
      float[] lseRow = new float[n];
      for (int t = 0; t < n; t++) {
        laRow[t] = (float) (rnd.nextDouble() - 0.5);
        lseRow[t] = (float) (1 + rnd.nextDouble());
      }
      la.add(laRow);
      lse.add(lseRow);
    }
    return TokenBatch.of(seqs, la, lse, null);
  }

  /** The dense form ShiQ used before: W[b, t, j] = gamma^(actions in [t, j)) for action j >= t. */
  private static NDArray denseResiduals(TokenTerms k) {
    TokenBatch b = k.batch;
    int t = b.width;
    double gamma = k.config.gamma();
    float[] w = new float[b.batch * t * t];
    float[] wBoot = new float[b.batch * t];
    long[] bootPos = new long[b.batch];
    for (int row = 0; row < b.batch; row++) {
      int[] before = new int[t + 1];
      for (int p = 0; p < t; p++) {
        before[p + 1] = before[p] + (b.isAction(row, p) ? 1 : 0);
      }
      int last = b.lastAction(row);
      for (int p = 0; p < t; p++) {
        for (int j = p; j < t; j++) {
          if (b.isAction(row, j)) {
            w[(row * t + p) * t + j] = (float) Math.pow(gamma, before[j] - before[p]);
          }
        }
        if (k.bootstrap(row) && p <= last) {
          wBoot[row * t + p] = (float) Math.pow(gamma, before[t] - before[p]);
        }
      }
      bootPos[row] = Math.min(last + 1, t - 1);
    }
    NDArray c = k.mask.mul(k.rewards.sub(k.rho.mul(Scalars.of(k.m, k.config.beta()))));
    NDArray g = k.m.create(w, new Shape(b.batch, t, t)).matMul(c.expandDims(-1)).squeeze(-1);
    NDArray vBoot = k.value.gather(k.m.create(bootPos, new Shape(b.batch, 1)), 1);
    g = g.add(k.m.create(wBoot, new Shape(b.batch, t)).mul(vBoot));
    return g.sub(k.value);
  }
}
