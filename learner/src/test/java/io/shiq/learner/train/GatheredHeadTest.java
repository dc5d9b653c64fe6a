package io.shiq.learner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.objective.Objectives;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.learner.reference.ReferenceCache;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The output head at the loss positions only, in vocabulary chunks with a hand-written backward pass, gives the same
 * gradients as the full [B, T, V] logits with autograd: every parameter, every objective, tied and untied heads,
 * truncated episodes (bootstrap), gamma < 1, rows of different lengths, chunks that do not divide the vocabulary.
 */
class GatheredHeadTest {
  private static LlamaConfig config(boolean tied) {
    return new LlamaConfig(16, 32, 2, 4, 2, 23, 64, 10000, 1e-5, false, tied, LlamaConfig.RopeLayout.HALVES);
  }

  /** Rows of 9-20 tokens with action runs here and there (multi-turn-like), some truncated. */
  private static List<TrainingSequence> batch(int size, int vocab, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<TrainingSequence> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int n = 9 + rnd.nextInt(12);
      int[] tokens = new int[n];
      boolean[] mask = new boolean[n];
      float[] rewards = new float[n];
      for (int t = 0; t < n; t++) {
        tokens[t] = rnd.nextInt(vocab);
        mask[t] = t >= 3 && rnd.nextInt(3) > 0 && (t < n - 1 || rnd.nextBoolean());
      }
      mask[n - 2] = true;
      for (int t = 1; t < n; t++) {
        if (mask[t] && rnd.nextInt(3) == 0) {
          rewards[t] = (float) rnd.nextGaussian();
        }
      }
      out.add(new TrainingSequence("g" + i, tokens, mask, rewards, i % 2 == 1, 0));
    }
    return out;
  }

  @Test
  void gradientsEqualTheFullLogitsPath() {
    for (boolean tied : new boolean[] {true, false}) {
      for (String name : Objectives.NAMES) {
        for (double gamma : new double[] {1.0, 0.9}) {
          ObjectiveConfig objective = ObjectiveConfig.of(name, 0.3, gamma);
          List<TrainingSequence> sequences = batch(6, 23, name.hashCode() + (tied ? 1 : 2));
          Map<String, float[]> gathered = gradients(tied, objective, false, sequences);
          Map<String, float[]> full = gradients(tied, objective, true, sequences);
          assertEquals(full.keySet(), gathered.keySet());
          for (String p : full.keySet()) {
            float[] a = full.get(p);
            float[] b = gathered.get(p);
            double scale = 0;
            for (float x : a) {
              scale = Math.max(scale, Math.abs(x));
            }
            for (int i = 0; i < a.length; i++) {
              assertEquals(a[i], b[i], 2e-5 * scale + 1e-7, () -> name + " gamma " + gamma + (tied ? " tied" : "")
                  + ": gradient of " + p + " differs");
            }
            if (!name.equals("naive") && !p.startsWith("value_head")) {
              assertTrue(scale > 0, name + ": no gradient reached " + p);
            }
          }
        }
      }
    }
  }

  private static Map<String, float[]> gradients(boolean tied, ObjectiveConfig objective, boolean full,
                                                List<TrainingSequence> sequences) {
    TrainerConfig config = new TrainerConfig(objective, OptimizerConfig.adamW(1e-3), 4, 7, 1000);
    try (LlamaWeights w = LlamaWeights.random(config(tied), 5, Device.cpu());
         Trainer trainer = new Trainer(w, config).computePath(!full, 5)) {
      return trainer.gradients(sequences);
    }
  }

  /**
   * A policy equal to its reference, without rewards, has exactly zero gradient on either path: the reference values
   * are computed the way the policy's are (same attention, same head chunks), so no rounding noise reaches AdamW,
   * which would scale it up to full-size steps.
   */
  @Test
  void noRewardsAtInitialisationGiveExactlyZeroGradients() {
    List<TrainingSequence> sequences = new ArrayList<>();
    for (TrainingSequence s : batch(6, 23, 5)) {
      sequences.add(new TrainingSequence(s.id(), s.tokens(), s.actionMask(), new float[s.length()], s.truncated(), 0));
    }
    for (String name : List.of("shiq", "shifted-init")) {
      for (boolean full : new boolean[] {false, true}) {
        Map<String, float[]> g = gradients(true, ObjectiveConfig.of(name, 0.3, 0.9), full, sequences);
        g.forEach((p, values) -> {
          for (float x : values) {
            assertEquals(0f, x, name + (full ? " full" : " linear") + ": gradient of " + p);
          }
        });
      }
    }
  }

  /** The reference values at the loss positions equal those of the full logits (and are 0 elsewhere). */
  @Test
  void referenceValuesAtTheLossPositions() {
    List<TrainingSequence> sequences = batch(5, 23, 11);
    try (LlamaWeights w = LlamaWeights.random(config(true), 3, Device.cpu());
         ReferenceCache cache = new ReferenceCache(w.copy(), 100, 2)) {
      List<ReferenceCache.Entry> entries = cache.get(sequences);
      Llama model = new Llama(w);
      NDManager m = w.manager();
      for (int b = 0; b < sequences.size(); b++) {
        TrainingSequence s = sequences.get(b);
        long[] ids = new long[s.length()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = s.tokens()[i];
        }
        float[] logits;
        try (NDArray l = model.forward(m.create(ids, new Shape(1, ids.length)))) {
          logits = l.toFloatArray();
        }
        float[] expectedLa = new float[s.length()];
        float[] expectedLse = new float[s.length()];
        for (int p : s.lossPositions()) {
          double max = Double.NEGATIVE_INFINITY;
          for (int v = 0; v < 23; v++) {
            max = Math.max(max, logits[p * 23 + v]);
          }
          double sum = 0;
          for (int v = 0; v < 23; v++) {
            sum += Math.exp(logits[p * 23 + v] - max);
          }
          expectedLse[p] = (float) (max + Math.log(sum));
          expectedLa[p] = p + 1 < s.length() ? logits[p * 23 + s.tokens()[p + 1]] : 0f;
        }
        assertArrayEquals(expectedLa, entries.get(b).laRef(), 1e-5f, s.id() + " laRef");
        assertArrayEquals(expectedLse, entries.get(b).lseRef(), 1e-5f, s.id() + " lseRef");
      }
    }
  }

  @Test
  void lossPositionsAreTheStatesBeforeEachActionAndAfterTheLast() {
    boolean[] mask = {false, false, true, true, false, true, false, false};
    TrainingSequence s = new TrainingSequence("p", new int[8], mask, new float[8], true, 0);
    assertArrayEquals(new int[] {1, 2, 4, 5}, s.lossPositions());
  }
}
