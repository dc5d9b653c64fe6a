package io.shiq.learner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.policy.model.LlamaWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resumed run trains with what the user asked for now, says what changed, and refuses what cannot change. */
class ResumeConfigTest {
  private static TrainerConfig config(String objective, double beta, double lr) {
    return new TrainerConfig(ObjectiveConfig.of(objective, beta, 1.0), OptimizerConfig.adamW(lr), 4, 7, 1000);
  }

  private static void trainAndSave(Path root, TrainerConfig c, int steps) throws Exception {
    try (LlamaWeights w = LlamaWeights.random(TrainerTest.CONFIG, 5, Device.cpu()); Trainer t = new Trainer(w, c)) {
      for (int s = 0; s < steps; s++) {
        t.step(TrainerTest.batch(s, 8));
      }
      t.save(root);
    }
  }

  @Test
  void changedHyperParametersApplyFromTheResumedStepAndAreRecorded(@TempDir Path root) throws Exception {
    trainAndSave(root, config("shiq", 0.5, 1e-3), 2);
    TrainerConfig requested = config("shiq", 0.1, 3e-4).withSeed(99);
    try (Trainer t = Trainer.resume(root, Device.cpu(), requested)) {
      assertEquals(0.1, t.config().objective().beta());
      assertEquals(7, t.config().seed(), "the seed only shaped the new run: kept");
      assertEquals(List.of(new Trainer.ConfigChange(3, List.of("objective.beta 0.5 -> 0.1",
          "optimizer.learningRate 0.001 -> 3.0E-4", "optimizer.minLearningRate 0.001 -> 3.0E-4"))),
          t.configChanges());
      StepStats s = t.step(TrainerTest.batch(2, 8));
      assertEquals(3e-4, s.learningRate(), 1e-12, "the new learning rate trains step 3");
      Path saved = t.save(root);
      assertTrue(Files.readString(saved.resolve("trainer.json")).contains("objective.beta 0.5 -> 0.1"));
    }
    // A later resume with the same request changes nothing more, and the history stays.
    try (Trainer t = Trainer.resume(root, Device.cpu(), requested)) {
      assertEquals(1, t.configChanges().size());
      assertEquals(3, t.configChanges().get(0).fromStep());
    }
    // Without a request the checkpoint's configuration is used as it is.
    try (Trainer t = Trainer.resume(root, Device.cpu())) {
      assertEquals(0.1, t.config().objective().beta());
    }
  }

  @Test
  void aDifferentObjectiveIsRefusedWithHowToStartFresh(@TempDir Path root) throws Exception {
    trainAndSave(root, config("shiq", 0.5, 1e-3), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.resume(root, Device.cpu(), config("dro", 0.5, 1e-3)));
    assertTrue(e.getMessage().contains("objective shiq, not dro"), e.getMessage());
    assertTrue(e.getMessage().contains("--fresh") && e.getMessage().contains("--checkpoint-dir"), e.getMessage());
  }
}
