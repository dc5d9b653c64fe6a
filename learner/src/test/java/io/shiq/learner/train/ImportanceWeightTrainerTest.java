package io.shiq.learner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.policy.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #13 at the trainer: with importance weights, micro-batches still accumulate to the full-batch update (each
 * micro-batch's loss is scaled by its weight mass over the batch's), and a trajectory of weight 2 trains like the same
 * trajectory twice in the batch.
 */
class ImportanceWeightTrainerTest {

  private static TrainerConfig config(String objective, ObjectiveConfig.Normalization normalization, int micro) {
    return new TrainerConfig(new ObjectiveConfig(objective, 0.5, 1.0, normalization, ObjectiveConfig.Truncation.DROP),
        OptimizerConfig.adamW(3e-3).withSchedule(2, 10, 1e-4).withWeightDecay(0.01), micro, 7, 1000);
  }

  /** TrainerTest's batch (a quarter truncated, so dropped here) with weights 0.25 .. 2.25. */
  private static List<TrainingSequence> weighted(int size) {
    List<TrainingSequence> out = new ArrayList<>();
    List<TrainingSequence> plain = TrainerTest.batch(0, size);
    for (int i = 0; i < plain.size(); i++) {
      out.add(plain.get(i).withWeight(0.25 + (i % 5) * 0.5));
    }
    return out;
  }

  private record Update(StepStats stats, Map<String, float[]> params) {}

  private static Update step(TrainerConfig config, List<TrainingSequence> batch) {
    try (LlamaWeights w = LlamaWeights.random(TrainerTest.CONFIG, 3, Device.cpu());
         Trainer t = new Trainer(w, config)) {
      StepStats stats = t.step(batch);
      return new Update(stats, w.toHost());
    }
  }

  private static void assertSameUpdate(Update expected, Update actual, String what) {
    assertEquals(expected.stats().loss(), actual.stats().loss(), 1e-6 * Math.max(1, Math.abs(expected.stats().loss())),
        what + ": loss");
    assertEquals(expected.stats().gradNorm(), actual.stats().gradNorm(),
        1e-5 * Math.max(1, expected.stats().gradNorm()), what + ": gradient norm");
    for (String name : expected.params().keySet()) {
      float[] a = expected.params().get(name);
      float[] b = actual.params().get(name);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-6, what + ": " + name + "[" + i + "]");
      }
    }
  }

  @Test
  void microBatchesWithWeightsAccumulateToTheFullBatchUpdate() {
    List<TrainingSequence> batch = weighted(12);
    for (String objective : List.of("shiq", "dro", "copg")) {
      for (ObjectiveConfig.Normalization n : ObjectiveConfig.Normalization.values()) {
        String what = objective + " " + n;
        Update full = step(config(objective, n, 12), batch);
        Update micro = step(config(objective, n, 4), batch);
        assertSameUpdate(full, micro, what);
        Update unweighted = step(config(objective, n, 12), TrainerTest.batch(0, 12));
        assertTrue(Math.abs(unweighted.stats().loss() - full.stats().loss()) > 1e-4,
            what + ": the weights changed nothing");
      }
    }
  }

  @Test
  void weightTwoTrainsLikeTheTrajectoryTwice() {
    List<TrainingSequence> plain = TrainerTest.batch(1, 8);
    List<TrainingSequence> weighted = new ArrayList<>(plain);
    weighted.set(3, plain.get(3).withWeight(2));
    List<TrainingSequence> duplicated = new ArrayList<>(plain);
    duplicated.add(4, plain.get(3));
    for (String objective : List.of("shiq", "dro")) {
      for (ObjectiveConfig.Normalization n : ObjectiveConfig.Normalization.values()) {
        // Micro-batches of 3: the duplicate shifts every later chunk boundary.
        assertSameUpdate(step(config(objective, n, 3), duplicated), step(config(objective, n, 3), weighted),
            objective + " " + n);
      }
    }
  }
}
