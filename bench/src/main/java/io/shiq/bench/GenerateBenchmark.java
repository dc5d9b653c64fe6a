package io.shiq.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.shiq.policy.cli.ModelOptions;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.io.ModelInit;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.model.ScalarLlama;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench generate}: generation throughput of a model on DJL, single stream and batched, with and without
 * the KV cache, against a plain-Java port of llama2.c's forward pass in the same run, and the share of a decode
 * step spent outside the matrix products (the per-op dispatch overhead of a small model).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Tokens per second of generation (single stream and batch 32, with and without the KV cache) vs a "
        + "plain-Java forward pass of the same model, and the share of time outside matrix products, for the model "
        + "of --model and/or random models of the --shape shapes. Ends with one JSON line: the first model's figures "
        + "at the top level, every model's in \"models\".")
public final class GenerateBenchmark implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--tokens", description = "Tokens generated per sequence with the cache (default: ${DEFAULT-VALUE}).")
  int tokens = 256;

  @Option(names = "--batch", description = "Batch size of the batched runs (default: ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(names = "--repeats", description = "Timed repeats of each case; the best is reported (default: "
      + "${DEFAULT-VALUE}).")
  int repeats = 3;

  @Option(names = "--shape", split = ",", paramLabel = "NAME[,NAME...]",
      description = "Also (or, without --model, only) measure randomly initialised models of these shapes of 'shiq "
          + "model init' (one of " + "tiny, stories260k, stories15m, qwen2), each with its own vocabulary (tiny and "
          + "stories260k 512, stories15m 32000, qwen2 151669).")
  List<String> shapes = new ArrayList<>();

  @Option(names = "--seed", description = "Seed of the random weights of --shape models (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  /** Models above this many parameters run the quadratic no-cache cases and the plain-Java one on fewer tokens. */
  private static final long LARGE = 2_000_000;
  /** Tokens per sequence of those cases on a large model. */
  private static final int LARGE_TOKENS = 32;

  /** One measured model's figures. */
  private record Result(String name, String source, long parameters, int tokens, int tokensNoCache,
                        int tokensPlainJava, double plainJava, double single, double batched, double singleNoCache,
                        double batchedNoCache, double outsideSingle, double outsideBatched) {}

  @Override
  public Integer call() {
    if (modelOptions.device == null || modelOptions.device.equals("auto")) {
      modelOptions.device = "cpu"; // the figure the issue asks for; --device gpu measures the GPU
    }
    List<Result> results = new ArrayList<>();
    if (modelOptions.model != null || shapes.isEmpty()) {
      try (PolicyModel policy = modelOptions.load()) {
        results.add(measure("model", policy.source(), policy.weights()));
      }
    }
    for (String shape : shapes) {
      LlamaConfig c = ModelInit.shape(shape, defaultVocab(shape));
      try (LlamaWeights w = LlamaWeights.random(c, seed, modelOptions.device())) {
        results.add(measure(shape.toLowerCase(Locale.ROOT), "shape " + shape + ", random(seed=" + seed + ")", w));
      }
    }
    if (results.size() > 1) {
      System.out.println();
      System.out.printf("%-14s %12s %10s %12s %12s %10s %10s%n", "model", "parameters", "plain Java", "1 stream",
          "batch " + batch, "outside 1", "outside " + batch);
      for (Result r : results) {
        System.out.printf("%-14s %,12d %10.0f %12.0f %12.0f %9.0f%% %9.0f%%%n", r.name(), r.parameters(),
            r.plainJava(), r.single(), r.batched(), 100 * r.outsideSingle(), 100 * r.outsideBatched());
      }
    }
    // The top-level figures are the first model's (the default model's when no --shape is given); "models" holds
    // every measured model's.
    Result first = results.get(0);
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"bench\":\"generate\",\"device\":\"%s\","
            + "\"tokens\":%d,\"tokens_per_s_single\":%.1f,\"tokens_per_s_batch32\":%.1f,"
            + "\"tokens_per_s_single_nocache\":%.1f,\"tokens_per_s_batch32_nocache\":%.1f,"
            + "\"tokens_per_s_plain_java\":%.1f,\"batch32_over_plain_java\":%.3f,"
            + "\"outside_matmul_share_single\":%.3f,\"outside_matmul_share_batch32\":%.3f,\"batch\":%d,\"models\":[",
        modelOptions.device(), first.tokens(), first.single(), first.batched(), first.singleNoCache(),
        first.batchedNoCache(), first.plainJava(), first.batched() / first.plainJava(), first.outsideSingle(),
        first.outsideBatched(), batch));
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"name\":\"%s\",\"parameters\":%d,"
              + "\"tokens\":%d,\"tokens_nocache\":%d,\"tokens_plain_java\":%d,\"tokens_per_s_plain_java\":%.1f,"
              + "\"tokens_per_s_single\":%.1f,\"tokens_per_s_batch\":%.1f,\"tokens_per_s_single_nocache\":%.1f,"
              + "\"tokens_per_s_batch_nocache\":%.1f,\"outside_matmul_share_single\":%.3f,"
              + "\"outside_matmul_share_batch\":%.3f}", r.name(), r.parameters(), r.tokens(), r.tokensNoCache(),
          r.tokensPlainJava(), r.plainJava(), r.single(), r.batched(), r.singleNoCache(), r.batchedNoCache(),
          r.outsideSingle(), r.outsideBatched()));
    }
    System.out.println(json.append("]}"));
    return 0;
  }

  /** The vocabulary a shape comes with: its tokenizer's (tiny takes stories260k's). */
  static int defaultVocab(String shape) {
    return switch (shape.toLowerCase(Locale.ROOT)) {
      case "stories15m" -> 32000;
      case "qwen2" -> 151669;
      default -> 512;
    };
  }

  private Result measure(String name, String source, LlamaWeights w) {
    LlamaConfig c = w.config();
    int n = Math.min(tokens, c.maxSeqLen() - 2);
    boolean large = w.parameterCount() > LARGE;
    int nNoCache = Math.max(1, large ? Math.min(LARGE_TOKENS, n / 2) : n / 2);
    int nPlain = large ? Math.min(2 * LARGE_TOKENS, n) : n;
    System.out.printf("%n%s: %s (%,d parameters: dim %d, hidden %d, %d layers, %d heads, %d kv heads, vocab %d) on "
            + "%s; %d tokens per sequence (%d without cache, %d plain Java)%n", name, source, w.parameterCount(),
        c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(), c.nKvHeads(), c.vocabSize(), w.device(), n, nNoCache,
        nPlain);

    double scalar = best(() -> scalarTokensPerSecond(w, nPlain));
    Llama model = new Llama(w);
    double single = best(() -> djlTokensPerSecond(model, 1, n, true));
    double batched = best(() -> djlTokensPerSecond(model, batch, n, true));
    double singleNoCache = best(() -> djlTokensPerSecond(model, 1, nNoCache, false));
    double batchedNoCache = best(() -> djlTokensPerSecond(model, batch, nNoCache, false));
    double matmulSingle = best(() -> matmulOnlyStepsPerSecond(w, 1, n / 2));
    double matmulBatched = best(() -> matmulOnlyStepsPerSecond(w, batch, n / 2));
    // A decode step of batch B produces B tokens: step time = B / tokens per second.
    double outsideSingle = 1 - (1 / matmulSingle) / (1 / single);
    double outsideBatched = 1 - (1 / matmulBatched) / (batch / batched);

    System.out.printf("%-44s %12s%n", "case", "tokens/s");
    System.out.printf("%-44s %12.0f%n", "plain Java forward, 1 stream (baseline)", scalar);
    System.out.printf("%-44s %12.0f%n", "DJL, 1 stream, KV cache", single);
    System.out.printf("%-44s %12.0f%n", "DJL, batch " + batch + ", KV cache", batched);
    System.out.printf("%-44s %12.0f%n", "DJL, 1 stream, no cache", singleNoCache);
    System.out.printf("%-44s %12.0f%n", "DJL, batch " + batch + ", no cache", batchedNoCache);
    System.out.printf("ratios: batch %d / plain Java %.2f; 1 stream / plain Java %.2f; cache speed-up %.1fx "
        + "(1 stream), %.1fx (batch)%s%n", batch, batched / scalar, single / scalar, single / singleNoCache,
        batched / batchedNoCache, nNoCache < n / 2 ? " (no-cache runs are shorter: the speed-up is understated)" : "");
    System.out.printf("time outside matrix products per decode step: %.0f%% (1 stream), %.0f%% (batch %d)%n",
        100 * outsideSingle, 100 * outsideBatched, batch);
    return new Result(name, source, w.parameterCount(), n, nNoCache, nPlain, scalar, single, batched, singleNoCache,
        batchedNoCache, outsideSingle, outsideBatched);
  }

  private double best(java.util.function.DoubleSupplier run) {
    run.getAsDouble(); // warm-up: JIT, native kernels, allocator
    double best = 0;
    for (int r = 0; r < repeats; r++) {
      best = Math.max(best, run.getAsDouble());
    }
    return best;
  }

  private static double scalarTokensPerSecond(LlamaWeights w, int n) {
    ScalarLlama scalar = new ScalarLlama(w);
    long t0 = System.nanoTime();
    int token = 1;
    for (int pos = 0; pos < n; pos++) {
      float[] logits = scalar.forward(token, pos);
      int best = 0;
      for (int i = 1; i < logits.length; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      token = best;
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  private static double djlTokensPerSecond(Llama model, int batch, int n, boolean cache) {
    List<int[]> prompts = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      prompts.add(new int[] {1});
    }
    SamplingParams params = new SamplingParams(1.0, 0, 1.0, n, Set.of(), 7);
    long t0 = System.nanoTime();
    var out = new Generator(model, cache).generate(prompts, params);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long produced = out.stream().mapToLong(g -> g.tokens().length).sum();
    return produced / seconds;
  }

  /**
   * Decode steps per second when a step does only its matrix products (the 7 projections of every layer, the two
   * attention products against a cache of {@code past} positions, the output head) with the same shapes.
   */
  private static double matmulOnlyStepsPerSecond(LlamaWeights w, int batch, int past) {
    LlamaConfig c = w.config();
    NDManager m = w.manager();
    int steps = 50;
    int group = c.nHeads() / c.nKvHeads();
    try (NDScope ignored = new NDScope()) {
      NDArray x = m.randomNormal(new Shape(batch, 1, c.dim()));
      NDArray hidden = m.randomNormal(new Shape(batch, 1, c.hiddenDim()));
      NDArray q = m.randomNormal(new Shape(batch, c.nKvHeads(), group, c.headSize()));
      NDArray keysT = m.randomNormal(new Shape(batch, c.nKvHeads(), c.headSize(), past));
      NDArray att = m.randomNormal(new Shape(batch, c.nKvHeads(), group, past));
      NDArray values = m.randomNormal(new Shape(batch, c.nKvHeads(), past, c.headSize()));
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        try (NDScope step = new NDScope()) {
          for (LlamaWeights.Layer l : w.layers()) {
            Linear.linear(x, l.wq().getArray());
            Linear.linear(x, l.wk().getArray());
            Linear.linear(x, l.wv().getArray());
            q.matMul(keysT);
            att.matMul(values);
            Linear.linear(x, l.wo().getArray());
            Linear.linear(x, l.w1().getArray());
            Linear.linear(x, l.w3().getArray());
            Linear.linear(hidden, l.w2().getArray());
          }
          Linear.linear(x, w.output().getArray()).singletonOrThrow().toFloatArray();
        }
      }
      return steps / ((System.nanoTime() - t0) / 1e9);
    }
  }
}
