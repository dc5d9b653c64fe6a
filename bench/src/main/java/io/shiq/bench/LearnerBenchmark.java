package io.shiq.bench;

import ai.djl.Device;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.learner.train.OptimizerConfig;
import io.shiq.learner.train.Trainer;
import io.shiq.learner.train.TrainerConfig;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench learner}: time and peak memory of one ShiQ training step on a random model of a given shape, for
 * sequence lengths up to long agent contexts (issue #15). It measures the learner as it is, which still builds the
 * policy's full [B, T, V] logits; sizes whose logits alone would not fit in memory are skipped with the reason.
 */
@Command(name = "learner", mixinStandardHelpOptions = true,
    description = "Training tokens/s and peak RSS of a ShiQ step on a random model (vocabulary, depth, width of your "
        + "choice) at several sequence lengths, with a given share of action tokens.")
public final class LearnerBenchmark implements Callable<Integer> {
  @Option(names = "--vocab", description = "Vocabulary size (default: ${DEFAULT-VALUE}, Qwen2.5's).")
  int vocab = 151_669;

  @Option(names = "--seq", split = ",", description = "Sequence lengths (default: ${DEFAULT-VALUE}).")
  List<Integer> seqs = List.of(1024, 2048, 4096, 8192);

  @Option(names = "--action-fraction", description = "Share of positions that are actions (default: "
      + "${DEFAULT-VALUE}).")
  double actionFraction = 0.05;

  @Option(names = "--batch", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batch = 1;

  @Option(names = "--layers", description = "Transformer layers (default: ${DEFAULT-VALUE}).")
  int layers = 2;

  @Option(names = "--dim", description = "Model width (default: ${DEFAULT-VALUE}).")
  int dim = 64;

  @Option(names = "--memory-gb", description = "Skip lengths whose [B, T, V] logits, times the 6 copies a step "
      + "keeps (logits, log-softmax, their gradients), would exceed this (default: ${DEFAULT-VALUE}).")
  double memoryGb = 20;

  @Override
  public Integer call() throws Exception {
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"bench\":\"learner\",\"vocab\":%d,"
        + "\"action_fraction\":%.3f,\"batch\":%d,\"layers\":%d,\"dim\":%d,\"path\":\"full_logits\",\"results\":[",
        vocab, actionFraction, batch, layers, dim));
    System.out.printf("%8s %14s %12s %14s%n", "seq", "tokens/s", "step s", "peak RSS MB");
    for (int k = 0; k < seqs.size(); k++) {
      int t = seqs.get(k);
      double predictedGb = 6.0 * batch * t * (double) vocab * 4 / 1e9;
      if (k > 0) {
        json.append(',');
      }
      if (predictedGb > memoryGb) {
        String why = String.format(Locale.ROOT, "full logits need about %.0f GB (> --memory-gb %.0f)", predictedGb,
            memoryGb);
        System.out.printf("%8d %14s %12s %14s  %s%n", t, "-", "-", "-", why);
        json.append(String.format(Locale.ROOT, "{\"seq\":%d,\"tokens_per_s\":null,\"peak_rss_mb\":null,"
            + "\"skipped\":\"%s\"}", t, why));
        continue;
      }
      LlamaConfig config = new LlamaConfig(dim, 4 * dim, layers, Math.max(1, dim / 16), Math.max(1, dim / 16), vocab,
          t + 1, 10000, 1e-5, false, false, LlamaConfig.RopeLayout.HALVES);
      List<TrainingSequence> sequences = sequences(t, new SplittableRandom(t));
      double seconds;
      long peak;
      try (LlamaWeights w = LlamaWeights.random(config, 7, Device.cpu());
           Trainer trainer = new Trainer(w.copy(), TrainerConfig.of(ObjectiveConfig.of("shiq", 0.05, 1.0),
               OptimizerConfig.adamW(1e-4)).withMicroBatch(batch))) {
        trainer.step(sequences); // warm-up: reference values, allocator, JIT
        resetPeakRss();
        long t0 = System.nanoTime();
        trainer.step(sequences);
        seconds = (System.nanoTime() - t0) / 1e9;
        peak = peakRssMb();
      }
      double tokensPerSecond = batch * (double) t / seconds;
      System.out.printf(Locale.ROOT, "%8d %14.0f %12.2f %14d%n", t, tokensPerSecond, seconds, peak);
      json.append(String.format(Locale.ROOT, "{\"seq\":%d,\"tokens_per_s\":%.1f,\"step_seconds\":%.3f,"
          + "\"peak_rss_mb\":%d}", t, tokensPerSecond, seconds, peak));
    }
    System.out.println(json.append("]}"));
    return 0;
  }

  /** Sequences of t tokens: a short prompt, then runs of 32 action tokens spread to the action fraction. */
  private List<TrainingSequence> sequences(int t, SplittableRandom rnd) {
    List<TrainingSequence> out = new ArrayList<>();
    int period = (int) Math.max(33, Math.round(32 / actionFraction));
    for (int b = 0; b < batch; b++) {
      int[] tokens = new int[t];
      boolean[] mask = new boolean[t];
      float[] rewards = new float[t];
      int last = -1;
      for (int p = 0; p < t; p++) {
        tokens[p] = rnd.nextInt(vocab);
        mask[p] = p >= 16 && (p - 16) % period >= period - 32 && p < t - 1;
        if (mask[p]) {
          last = p;
        }
      }
      if (last < 0) {
        last = t - 2;
        mask[last] = true;
      }
      rewards[last] = 1f;
      out.add(new TrainingSequence("bench-" + t + "-" + b, tokens, mask, rewards, false, 16));
    }
    return out;
  }

  /** Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) of the process. */
  private static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException e) {
      // not Linux or not allowed: the peak then covers the warm-up step too
    }
  }

  private static long peakRssMb() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
