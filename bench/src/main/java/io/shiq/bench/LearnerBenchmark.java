package io.shiq.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.learner.train.OptimizerConfig;
import io.shiq.learner.train.Trainer;
import io.shiq.learner.train.TrainerConfig;
import io.shiq.policy.engine.TorchEngine;
import io.shiq.policy.model.ChunkedHead;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench learner}: training tokens/s and peak memory of one ShiQ step on a random model of a given shape at
 * long agent contexts (issue #15), for the learner's path (the output head at the loss positions only, in vocabulary
 * chunks) and the former full-logits path ([B, T, V] logits at every position), in one run. The new path runs first
 * for every length, so its peak RSS is not the full path's leftover; lengths whose full logits would not fit are
 * skipped for that path with the reason. Model FLOPs per token (PaLM's 6N + 12 L D T per trained token, with the head
 * counted where each path applies it) and the achieved FLOP/s are printed next to tokens/s, and the machine's
 * FLOP/s on a plain [1024 x 1024] matrix product in the same run, so the reader sees how far from the machine's limit a
 * step runs.
 */
@Command(name = "learner", mixinStandardHelpOptions = true,
    description = "Training tokens/s and peak RSS of a ShiQ step on a random model (vocabulary, depth, width of your "
        + "choice) at several sequence lengths with a given share of action tokens: the learner's path (head at the "
        + "loss positions, chunked) against the full-logits path, with model FLOPs per token and achieved FLOP/s.")
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

  @Option(names = "--head-chunk", description = "Vocabulary ids per chunk of the output head (default: "
      + "${DEFAULT-VALUE}).")
  int headChunk = ChunkedHead.DEFAULT_CHUNK;

  @Option(names = "--memory-gb", description = "Skip the full-logits path at lengths whose [B, T, V] logits, times "
      + "the 6 copies a step keeps (logits, log-softmax, their gradients), would exceed this (default: "
      + "${DEFAULT-VALUE}).")
  double memoryGb = 20;

  @Option(names = "--no-full", description = "Measure the learner's path only.")
  boolean noFull;

  /** One measured (or skipped) step. */
  private record Run(double tokensPerSecond, double seconds, long peakMb, String skipped) {}

  @Override
  public Integer call() throws Exception {
    double matmulFlops = matmulFlopsPerSecond();
    System.out.printf(Locale.ROOT, "random model: vocab %,d, %d layers, width %d; batch %d; action fraction %.3f; "
        + "plain [1024 x 1024] matmul on this machine: %.1f GFLOP/s%n", vocab, layers, dim, batch, actionFraction,
        matmulFlops / 1e9);
    Map<Integer, Run> gathered = new LinkedHashMap<>();
    Map<Integer, Run> full = new LinkedHashMap<>();
    for (int t : seqs) { // the learner's path first: its peak RSS then owes nothing to the full path's allocations
      gathered.put(t, measure(t, false));
      System.out.printf(Locale.ROOT, "  seq %5d  learner path      %9.0f tokens/s  %8.2f s  peak RSS %6d MB%n", t,
          gathered.get(t).tokensPerSecond, gathered.get(t).seconds, gathered.get(t).peakMb);
    }
    for (int t : seqs) {
      double predictedGb = 6.0 * batch * t * (double) vocab * 4 / 1e9;
      Run r;
      if (noFull) {
        r = new Run(Double.NaN, Double.NaN, -1, "--no-full");
      } else if (predictedGb > memoryGb) {
        r = new Run(Double.NaN, Double.NaN, -1, String.format(Locale.ROOT,
            "full logits need about %.0f GB (> --memory-gb %.0f)", predictedGb, memoryGb));
      } else {
        r = measure(t, true);
      }
      full.put(t, r);
      System.out.printf(Locale.ROOT, "  seq %5d  full-logits path  %s%n", t, r.skipped != null ? "skipped: "
          + r.skipped : String.format(Locale.ROOT, "%9.0f tokens/s  %8.2f s  peak RSS %6d MB", r.tokensPerSecond,
          r.seconds, r.peakMb));
    }

    System.out.println();
    System.out.printf("%6s %12s %14s %8s %10s %12s %12s %12s %12s %8s%n", "seq", "tokens/s", "tokens/s full",
        "speedup", "RSS MB", "RSS MB full", "FLOP/token", "GFLOP/s", "GFLOP/s full", "of peak");
    StringBuilder rows = new StringBuilder();
    String headline = null;
    for (int t : seqs) {
      Run g = gathered.get(t);
      Run f = full.get(t);
      double flops = flopsPerToken(t, false);
      double flopsFull = flopsPerToken(t, true);
      double achieved = flops * g.tokensPerSecond;
      double achievedFull = f.skipped == null ? flopsFull * f.tokensPerSecond : Double.NaN;
      double speedup = g.tokensPerSecond / f.tokensPerSecond;
      System.out.printf(Locale.ROOT, "%6d %12.0f %14s %8s %10d %12s %12.3g %12.2f %12s %7.1f%%%n", t,
          g.tokensPerSecond, f.skipped == null ? String.format(Locale.ROOT, "%.0f", f.tokensPerSecond) : "-",
          f.skipped == null ? String.format(Locale.ROOT, "%.1fx", speedup) : "-", g.peakMb,
          f.skipped == null ? Long.toString(f.peakMb) : "-", flops, achieved / 1e9,
          f.skipped == null ? String.format(Locale.ROOT, "%.2f", achievedFull / 1e9) : "-",
          100 * achieved / matmulFlops);
      String row = String.format(Locale.ROOT, "{\"seq\":%d,\"tokens_per_s\":%.1f,\"tokens_per_s_full_logits\":%s,"
          + "\"speedup\":%s,\"peak_rss_mb\":%d,\"peak_rss_mb_full_logits\":%s,\"step_seconds\":%.3f,"
          + "\"flops_per_token\":%.4g,\"flops_per_token_full_logits\":%.4g,\"achieved_flop_per_s\":%.4g,"
          + "\"achieved_flop_per_s_full_logits\":%s%s}", t, g.tokensPerSecond, num(f.tokensPerSecond, f),
          f.skipped == null ? String.format(Locale.ROOT, "%.3f", speedup) : "null", g.peakMb,
          f.skipped == null ? Long.toString(f.peakMb) : "null", g.seconds, flops, flopsFull, achieved,
          f.skipped == null ? String.format(Locale.ROOT, "%.4g", achievedFull) : "null",
          f.skipped == null ? "" : ",\"full_logits_skipped\":\"" + f.skipped + "\"");
      rows.append(rows.length() == 0 ? "" : ",").append(row);
      if (headline == null || t == 4096) {
        headline = row.substring(1, row.length() - 1);
      }
    }
    System.out.println(String.format(Locale.ROOT, "{\"bench\":\"learner\",\"vocab\":%d,\"action_fraction\":%.3f,"
        + "\"batch\":%d,\"layers\":%d,\"dim\":%d,\"head_chunk\":%d,\"matmul_flop_per_s\":%.4g,", vocab,
        actionFraction, batch, layers, dim, headChunk, matmulFlops) + headline + ",\"results\":[" + rows + "]}");
    return 0;
  }

  private static String num(double x, Run r) {
    return r.skipped != null ? "null" : String.format(Locale.ROOT, "%.1f", x);
  }

  private Run measure(int t, boolean fullLogits) throws IOException {
    LlamaConfig config = model(t);
    List<TrainingSequence> sequences = sequences(t, new SplittableRandom(t));
    double seconds;
    long peak;
    try (LlamaWeights w = LlamaWeights.random(config, 7, Device.cpu());
         LlamaWeights policy = w.copy(); // the trainer trains it but does not own it
         Trainer trainer = new Trainer(policy, TrainerConfig.of(ObjectiveConfig.of("shiq", 0.05, 1.0),
             OptimizerConfig.adamW(1e-4)).withMicroBatch(batch)).computePath(!fullLogits, headChunk)) {
      trainer.step(sequences); // warm-up: reference values (cached from then on), allocator
      System.gc();
      resetPeakRss();
      long t0 = System.nanoTime();
      trainer.step(sequences);
      seconds = (System.nanoTime() - t0) / 1e9;
      peak = peakRssMb();
    }
    return new Run(batch * (double) t / seconds, seconds, peak, null);
  }

  private LlamaConfig model(int t) {
    return new LlamaConfig(dim, 4 * dim, layers, Math.max(1, dim / 16), Math.max(1, dim / 16), vocab, t + 1, 10000,
        1e-5, false, false, LlamaConfig.RopeLayout.HALVES);
  }

  /**
   * Model FLOPs of training per token (forward and backward, no recomputation counted): 6 N for the N weights of
   * the matrix products every position goes through, 12 L D T for attention over T positions (PaLM's count,
   * Chowdhery et al. 2022, appendix B), and 6 D V for the output head at each position where it is applied: every
   * position on the full path, the loss positions (action fraction plus one per row) on the learner's.
   */
  double flopsPerToken(int t, boolean fullLogits) {
    LlamaConfig c = model(t);
    double perLayer = (double) c.dim() * c.dim() * 2 + 2.0 * c.dim() * c.kvDim() + 3.0 * c.dim() * c.hiddenDim();
    double body = 6 * perLayer * c.nLayers() + 12.0 * c.nLayers() * c.dim() * t;
    double headPositions = fullLogits ? 1 : lossPositions(t) / (double) t;
    return body + 6.0 * c.dim() * c.vocabSize() * headPositions;
  }

  private int lossPositions(int t) {
    return sequences(t, new SplittableRandom(t)).get(0).lossPositions().length;
  }

  /** FLOP/s of a plain [1024 x 1024] x [1024 x 1024] float matrix product on DJL, best of a few. */
  private static double matmulFlopsPerSecond() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), TorchEngine.NAME)) {
      NDArray a = m.randomNormal(new Shape(1024, 1024));
      NDArray b = m.randomNormal(new Shape(1024, 1024));
      double best = 0;
      for (int i = 0; i < 8; i++) {
        long t0 = System.nanoTime();
        a.matMul(b).close();
        double s = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, 2.0 * 1024 * 1024 * 1024 / s);
      }
      return best;
    }
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
