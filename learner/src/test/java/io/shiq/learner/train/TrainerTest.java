package io.shiq.learner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  static final LlamaConfig CONFIG = new LlamaConfig(16, 32, 2, 4, 2, 23, 64, 10000, 1e-5, false, true,
      LlamaConfig.RopeLayout.HALVES);

  /** Deterministic batch number {@code step}: prompts of 3-5 tokens, answers of 4-8 actions, reward = #token 7. */
  static List<TrainingSequence> batch(int step, int size) {
    SplittableRandom rnd = new SplittableRandom(1000 + step);
    List<TrainingSequence> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int prompt = 3 + rnd.nextInt(3);
      int answer = 4 + rnd.nextInt(5);
      int[] tokens = new int[prompt + answer];
      boolean[] mask = new boolean[tokens.length];
      int sevens = 0;
      for (int t = 0; t < tokens.length; t++) {
        tokens[t] = t == 0 ? 1 : 2 + rnd.nextInt(CONFIG.vocabSize() - 2);
        mask[t] = t >= prompt;
        sevens += mask[t] && tokens[t] == 7 ? 1 : 0;
      }
      out.add(TrainingSequence.withFinalReward("s" + step + "-" + i, tokens, mask, sevens, rnd.nextInt(4) == 0));
    }
    return out;
  }

  static TrainerConfig config(String objective, int micro) {
    return new TrainerConfig(ObjectiveConfig.of(objective, 0.5, 1.0),
        OptimizerConfig.adamW(3e-3).withSchedule(2, 10, 1e-4).withWeightDecay(0.01), micro, 7, 1000);
  }

  /**
   * 2N steps straight versus N steps, checkpoint, a new trainer from the checkpoint, N steps: the parameters must be
   * identical bit for bit. CPU kernels are deterministic here only almost always (a float sum's order can change with
   * thread scheduling or memory alignment, about one run in fifteen), so an attempt that differs is repeated: a resume
   * bug makes every attempt differ, a rare kernel reordering does not.
   */
  @Test
  void resumingFromACheckpointContinuesBitForBit(@TempDir Path dir) throws Exception {
    for (String objective : List.of("shiq", "dro")) {
      String lastDifference = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        lastDifference = resumeDifference(objective, dir.resolve(objective + "-" + attempt));
        if (lastDifference == null) {
          break;
        }
      }
      assertEquals(null, lastDifference, objective + ": resumed training differs in 3 attempts");
    }
  }

  @Test
  void loadPolicyReadsTheTrainedWeightsOfACheckpoint(@TempDir Path dir) throws Exception {
    Map<String, float[]> trained;
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 5, Device.cpu());
         Trainer t = new Trainer(w, config("shiq", 4))) {
      t.step(batch(0, 8));
      t.step(batch(1, 8));
      t.save(dir);
      trained = w.toHost();
    }
    for (Path from : List.of(dir, Trainer.latest(dir).orElseThrow())) { // the root or its step directory
      try (LlamaWeights loaded = Trainer.loadPolicy(from, Device.cpu())) {
        assertEquals(CONFIG, loaded.config());
        Map<String, float[]> host = loaded.toHost();
        assertEquals(trained.keySet(), host.keySet());
        trained.forEach((name, values) -> org.junit.jupiter.api.Assertions.assertArrayEquals(values, host.get(name),
            name));
      }
    }
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> Trainer.loadPolicy(dir.resolve("nothing-here"), Device.cpu()));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not a learner checkpoint"), e.getMessage());
  }

  /** Null when the resumed run ends bit-identical to the straight one, else the first difference. */
  private static String resumeDifference(String objective, Path root) throws Exception {
    int n = 3;
    Map<String, float[]> straight;
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 5, Device.cpu());
         Trainer t = new Trainer(w, config(objective, 4))) {
      for (int s = 0; s < 2 * n; s++) {
        t.step(batch(s, 8));
      }
      straight = w.toHost();
    }
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 5, Device.cpu());
         Trainer t = new Trainer(w, config(objective, 4))) {
      for (int s = 0; s < n; s++) {
        t.step(batch(s, 8));
      }
      t.positions().put("shiq.replay.batches-0", "42");
      t.save(root);
    }
    try (Trainer resumed = Trainer.resume(root, Device.cpu())) {
      assertEquals(n, resumed.step());
      assertEquals("42", resumed.positions().get("shiq.replay.batches-0"));
      for (int s = n; s < 2 * n; s++) {
        resumed.step(batch(s, 8));
      }
      Map<String, float[]> continued = resumed.policy().toHost();
      for (String name : straight.keySet()) {
        float[] a = straight.get(name);
        float[] b = continued.get(name);
        for (int i = 0; i < a.length; i++) {
          if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
            return name + "[" + i + "]: " + a[i] + " vs " + b[i];
          }
        }
      }
    }
    return null;
  }

  @Test
  void microBatchesAccumulateToTheFullBatchUpdate() {
    Map<String, float[]> full;
    Map<String, float[]> micro;
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 3, Device.cpu()); Trainer t = new Trainer(w, config("shiq",
        12))) {
      t.step(batch(0, 12));
      full = w.toHost();
    }
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 3, Device.cpu()); Trainer t = new Trainer(w, config("shiq",
        4))) {
      t.step(batch(0, 12));
      micro = w.toHost();
    }
    for (String name : full.keySet()) {
      float[] a = full.get(name);
      float[] b = micro.get(name);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-6, name);
      }
    }
  }

  @Test
  void checkpointsAreAtomicAndOnlyTheLastFewAreKept(@TempDir Path dir) throws Exception {
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 3, Device.cpu()); Trainer t = new Trainer(w, config("shiq",
        8))) {
      for (int s = 0; s < 5; s++) {
        t.step(batch(s, 4));
        t.save(dir);
      }
      // An interrupted save leaves only a .tmp directory, which is never taken for a checkpoint.
      Files.createDirectories(dir.resolve("step-0000000099.tmp"));
      assertEquals(dir.resolve("step-0000000005"), Trainer.latest(dir).orElseThrow());
      try (var files = Files.list(dir)) {
        assertEquals(3, files.filter(p -> p.getFileName().toString().matches("step-\\d{10}")).count());
      }
    }
  }

  @Test
  void stepsReportDiagnosticsAndReplayCostsOneReferencePass() {
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 3, Device.cpu()); Trainer t = new Trainer(w, config("shiq",
        8))) {
      List<TrainingSequence> b = batch(0, 8);
      StepStats first = t.step(b);
      StepStats second = t.step(b);
      assertEquals(8, t.reference().misses());
      assertEquals(8, t.reference().hits());
      for (StepStats s : List.of(first, second)) {
        assertTrue(Double.isFinite(s.loss()) && s.loss() >= 0);
        assertTrue(s.gradNorm() > 0 && s.tokensPerSecond() > 0);
        assertEquals(8, s.priorities().size());
      }
      assertEquals(0, first.klToReference(), 1e-6, "the first step trains at the reference");
      assertTrue(Math.abs(second.klToReference()) > 0, "after one update the policy has moved");
      assertEquals(b.stream().mapToDouble(TrainingSequence::totalReward).average().orElseThrow(),
          first.meanReward(), 1e-9);
    }
  }

  @Test
  void aNanLossStopsTrainingAndNamesTheTrajectories() {
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 3, Device.cpu()); Trainer t = new Trainer(w, config("shiq",
        8))) {
      float[] nan = new float[16];
      java.util.Arrays.fill(nan, Float.NaN);
      w.finalNorm().getArray().set(nan);
      var e = assertThrows(ArithmeticException.class, () -> t.step(batch(0, 4)));
      assertTrue(e.getMessage().contains("s0-0") && e.getMessage().contains("NaN"), e.getMessage());
    }
  }

  /** Spec test 11: generation samples from softmax(logits) with no reference model involved. */
  @Test
  void generationNeedsNoReferenceModel() {
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 3, Device.cpu())) {
      try (Trainer t = new Trainer(w, config("shiq", 8))) {
        for (int s = 0; s < 3; s++) {
          t.step(batch(s, 8));
        }
      } // the reference copy is closed here; the policy alone must still generate
      Generator g = new Generator(new Llama(w));
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        prompts.add(new int[] {1, 4});
      }
      List<Generation> out = g.generate(prompts, SamplingParams.sample(1.0, 1, Set.of(), 3));
      int[] counts = new int[CONFIG.vocabSize()];
      out.forEach(x -> counts[x.tokens()[0]]++);
      float[] lp = out.get(0).behaviourLogProbs();
      double p = Math.exp(lp[0]);
      double observed = counts[out.get(0).tokens()[0]] / 400.0;
      assertEquals(p, observed, 4 * Math.sqrt(p * (1 - p) / 400) + 0.01, "frequency matches softmax(logits)");
    }
  }
}
